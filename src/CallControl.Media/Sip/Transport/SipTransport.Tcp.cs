using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Sip.Transport;

public sealed partial class SipTransport
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<SipConnection, byte> _open = new();
    private readonly ConcurrentDictionary<IPEndPoint, SipConnection> _byRemote = new();
    private readonly ConcurrentDictionary<IPEndPoint, Task<Connected>> _connecting = new();
    private int _connectionCount;

    /// <summary>Open TCP connections, inbound and outbound.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    internal void OnClosed(SipConnection connection)
    {
        if (_open.TryRemove(connection, out _))
        {
            Interlocked.Decrement(ref _connectionCount);
        }

        _byRemote.TryRemove(KeyValuePair.Create(connection.Remote.EndPoint, connection));
        LogConnectionClosed(_logger, connection);
    }

    internal void OnUnframeable(SipConnection connection, SipFrameKind kind) =>
        LogUnframeable(_logger, connection, kind == SipFrameKind.TooLarge ? "a message over the size limit" : "bytes that are not a SIP message");

    internal void OnReadFailed(SipConnection connection, Exception exception) => LogReadFailed(_logger, connection, exception);

    internal void OnIdle(SipConnection connection) => LogIdle(_logger, connection);

    private void StartTcp(IPEndPoint endPoint)
    {
        var listener = Bind(endPoint, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(listener);
        listener.Listen(512);
        var local = SipEndPoint.Tcp((IPEndPoint)listener.LocalEndPoint!);
        _localEndPoints.Add(local);
        _loops.Add(AcceptAsync(listener, local));
        LogListening(_logger, local);
    }

    private async Task AcceptAsync(Socket listener, SipEndPoint local)
    {
        await Task.Yield();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException
                || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException exception)
            {
                // Out of descriptors or buffers: pause rather than spin on the same error.
                LogAcceptFailed(_logger, local, exception);
                await Task.Delay(AcceptRetryDelay, TimeProvider.System, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (!TryReserveConnection())
            {
                LogConnectionLimit(_logger, local, _options.MaxTcpConnections);
                socket.Dispose();
                continue;
            }

            Adopt(socket);
        }
    }

    private async ValueTask<SipSendResult> SendTcpAsync(
        ReadOnlyMemory<byte> message, IPEndPoint to, SipConnection? via, CancellationToken cancellationToken)
    {
        if (via is { IsOpen: true }
            && await via.SendAsync(message, cancellationToken).ConfigureAwait(false) == SipSendResult.Sent)
        {
            return SipSendResult.Sent;
        }

        if (_byRemote.TryGetValue(to, out var pooled) && pooled != via && pooled.IsOpen
            && await pooled.SendAsync(message, cancellationToken).ConfigureAwait(false) == SipSendResult.Sent)
        {
            return SipSendResult.Sent;
        }

        var connected = await ConnectAsync(to).WaitAsync(cancellationToken).ConfigureAwait(false);
        return connected.Connection is null
            ? connected.Failure
            : await connected.Connection.SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Concurrent sends to the same place share one connection attempt.</summary>
    private Task<Connected> ConnectAsync(IPEndPoint to)
    {
        while (true)
        {
            if (_connecting.TryGetValue(to, out var pending))
            {
                return pending;
            }

            var attempt = new TaskCompletionSource<Connected>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_connecting.TryAdd(to, attempt.Task))
            {
                _ = CompleteConnectAsync(to, attempt);
                return attempt.Task;
            }
        }
    }

    private async Task CompleteConnectAsync(IPEndPoint to, TaskCompletionSource<Connected> attempt)
    {
        try
        {
            attempt.SetResult(await OpenAsync(to).ConfigureAwait(false));
        }
        finally
        {
            _connecting.TryRemove(KeyValuePair.Create(to, attempt.Task));
        }
    }

    private async Task<Connected> OpenAsync(IPEndPoint to)
    {
        if (_byRemote.TryGetValue(to, out var open) && open.IsOpen)
        {
            return new Connected(open, SipSendResult.Sent);
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return new Connected(null, SipSendResult.ConnectFailed);
        }

        if (!TryReserveConnection())
        {
            LogConnectionLimit(_logger, SipEndPoint.Tcp(to), _options.MaxTcpConnections);
            return new Connected(null, SipSendResult.ConnectionLimitReached);
        }

        var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.TcpConnectTimeout);
            await socket.ConnectAsync(to, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Dispose();
            Interlocked.Decrement(ref _connectionCount);
            LogConnectFailed(_logger, SipEndPoint.Tcp(to), exception.Message);
            return new Connected(null, SipSendResult.ConnectFailed);
        }

        var connection = Adopt(socket);
        return connection is { IsOpen: true }
            ? new Connected(connection, SipSendResult.Sent)
            : new Connected(null, SipSendResult.ConnectFailed);
    }

    private bool TryReserveConnection()
    {
        if (Interlocked.Increment(ref _connectionCount) <= _options.MaxTcpConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _connectionCount);
        return false;
    }

    /// <summary>Takes a connected socket whose place under the connection limit is already reserved.</summary>
    private SipConnection? Adopt(Socket socket)
    {
        SipConnection connection;
        try
        {
            socket.NoDelay = true;
            connection = new SipConnection(this, socket, _wheel, _options);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            Interlocked.Decrement(ref _connectionCount);
            return null;
        }

        _open.TryAdd(connection, 0);
        _byRemote[connection.Remote.EndPoint] = connection;
        LogConnectionOpened(_logger, connection);
        try
        {
            connection.Start();
        }
        catch (ObjectDisposedException)
        {
            connection.Close();
        }

        if (_stopping.IsCancellationRequested)
        {
            connection.Close();
        }

        return connection;
    }

    private readonly record struct Connected(SipConnection? Connection, SipSendResult Failure);
}
