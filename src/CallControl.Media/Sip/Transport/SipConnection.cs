using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using CallControl.Media.Sip.Timing;

namespace CallControl.Media.Sip.Transport;

/// <summary>
/// One TCP connection of a <see cref="SipTransport"/>, accepted or opened. Requests that arrive on it carry
/// it so their responses go back on it (RFC 3261 section 18.2.2).
/// </summary>
/// <remarks>
/// Its messages are read with a <see cref="PipeReader"/> and framed by <see cref="SipStreamFramer"/>;
/// pings are answered with pongs. Writes are serialised, one whole message at a time. It closes when the
/// peer closes, on bytes that cannot be framed or a message over the size limit, when a write fails or times
/// out, after <see cref="SipTransportOptions.TcpIdleTimeout"/> without a byte either way, or on
/// <see cref="Close"/>.
/// </remarks>
public sealed class SipConnection
{
    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();
    private static long _lastId;

    private readonly SipTransport _transport;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimerWheel _wheel;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan _sendTimeout;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private ScheduledTimer? _idleCheck;
    private long _lastActivity;
    private int _closed;

    internal SipConnection(SipTransport transport, Socket socket, TimerWheel wheel, SipTransportOptions options)
    {
        _transport = transport;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _wheel = wheel;
        _idleTimeout = options.TcpIdleTimeout;
        _sendTimeout = options.TcpSendTimeout;
        Id = Interlocked.Increment(ref _lastId);
        Remote = SipEndPoint.Tcp((IPEndPoint)socket.RemoteEndPoint!);
        Local = SipEndPoint.Tcp((IPEndPoint)socket.LocalEndPoint!);
        Touch();
    }

    /// <summary>Unique within the process, for logs and for telling connections apart.</summary>
    public long Id { get; }

    public SipEndPoint Remote { get; }

    public SipEndPoint Local { get; }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    internal Task Reading { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Writes one whole message. A write that fails, times out or is cancelled part-way closes the
    /// connection, since the peer can no longer find where the next message starts.
    /// </summary>
    public async ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (message.Length > SipTransport.MaxMessageSize)
        {
            return SipSendResult.MessageTooLarge;
        }

        if (!IsOpen)
        {
            return SipSendResult.SendFailed;
        }

        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
            sending.CancelAfter(_sendTimeout);
            await _stream.WriteAsync(message, sending.Token).ConfigureAwait(false);
            Touch();
            return SipSendResult.Sent;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Close();
            throw;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Close();
            return SipSendResult.SendFailed;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Closes the connection at once; messages already queued from it stay valid.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            TearDown();
        }
    }

    public override string ToString() => $"#{Id} {Local.EndPoint}<->{Remote.EndPoint}";

    internal void Start()
    {
        ScheduleIdleCheck(_idleTimeout);
        Reading = ReadAsync();
    }

    private void TearDown()
    {
        _closing.Cancel();
        Volatile.Read(ref _idleCheck)?.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer may have reset the connection already; it is being closed either way.
        }

        _stream.Dispose();
        _transport.OnClosed(this);
    }

    private async Task ReadAsync()
    {
        await Task.Yield();
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    Touch();
                }

                while (true)
                {
                    var frame = SipStreamFramer.Next(buffer, SipTransport.MaxMessageSize);
                    if (frame.Kind == SipFrameKind.Incomplete)
                    {
                        break;
                    }

                    if (frame.Kind is SipFrameKind.TooLarge or SipFrameKind.Malformed)
                    {
                        _transport.OnUnframeable(this, frame.Kind);
                        return;
                    }

                    if (frame.Kind == SipFrameKind.Ping)
                    {
                        await SendAsync(Pong, _closing.Token).ConfigureAwait(false);
                    }
                    else if (frame.Kind == SipFrameKind.Message)
                    {
                        var message = InboundSipMessage.Copy(buffer.Slice(0, frame.Length), this);
                        if (!await _transport.EnqueueAsync(message, _closing.Token).ConfigureAwait(false))
                        {
                            message.Dispose();
                            return;
                        }
                    }

                    buffer = buffer.Slice(frame.Length);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Closed by either side or by the transport; Close below makes it final.
        }
        catch (Exception exception)
        {
            _transport.OnReadFailed(this, exception);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Close();
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _wheel.Clock.GetTimestamp());

    private void ScheduleIdleCheck(TimeSpan after) =>
        Volatile.Write(ref _idleCheck, _wheel.Schedule(after, static connection => ((SipConnection)connection!).CheckIdle(), this));

    /// <summary>
    /// Runs on the wheel's tick: the connection is closed from here on, but the socket teardown and the read
    /// loop's wake-up go to the thread pool so they never run inline on the tick.
    /// </summary>
    private void CheckIdle()
    {
        if (!IsOpen)
        {
            return;
        }

        var idle = _wheel.Clock.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle < _idleTimeout)
        {
            ScheduleIdleCheck(_idleTimeout - idle);
            return;
        }

        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _transport.OnIdle(this);
            ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.TearDown(), this, preferLocal: false);
        }
    }
}
