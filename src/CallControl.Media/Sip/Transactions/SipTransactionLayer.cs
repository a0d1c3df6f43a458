using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// The SIP transaction layer (RFC 3261 section 17, RFC 6026): client transactions for requests we send,
/// server transactions for requests we receive, matching of what arrives, and the stateless answers (400 for
/// requests that do not parse, 503 for those the transport had no room for, 481 for an unknown CANCEL, 482 for
/// a merged request).
/// </summary>
/// <remarks>
/// <para>
/// Build it on a started <see cref="SipTransport"/> and the <see cref="TimerWheel"/> the transport uses, then
/// call <see cref="Start"/> with the transaction user to begin reading the transport's queues. Requests can be
/// sent before that. Every timer runs on the wheel; nothing here owns a thread or waits.
/// </para>
/// <para>
/// Transactions live in tables cut into shards by key, each shard behind a short lock; each transaction
/// serialises its own changes behind its own lock; users are called outside every lock.
/// </para>
/// </remarks>
public sealed partial class SipTransactionLayer : IAsyncDisposable
{
    private const int DefaultMaxForwards = 70;

    private readonly ShardedTable<TransactionKey, SipClientTransaction> _clients = new();
    private readonly ShardedTable<TransactionKey, SipServerTransaction> _servers = new();
    private readonly ShardedTable<OriginKey, SipServerTransaction> _origins = new();
    private readonly SipTransport? _transport;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private ISipTransactionUser? _user;

    public SipTransactionLayer(SipTransport transport, TimerWheel wheel, SipTransactionOptions? options = null, ILogger<SipTransactionLayer>? logger = null)
        : this(new TransportWire(transport ?? throw new ArgumentNullException(nameof(transport))), wheel, options, logger)
    {
        _transport = transport;
    }

    internal SipTransactionLayer(ISipWire wire, TimerWheel wheel, SipTransactionOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        Options = options ?? new SipTransactionOptions();
        Options.Validate();
        Wire = wire;
        Wheel = wheel;
        _logger = logger ?? NullLogger.Instance;
    }

    public SipTransactionOptions Options { get; }

    /// <summary>Client transactions not yet terminated.</summary>
    public int ClientTransactionCount => _clients.Count;

    /// <summary>Server transactions not yet terminated.</summary>
    public int ServerTransactionCount => _servers.Count;

    internal TimerWheel Wheel { get; }

    internal ISipWire Wire { get; }

    internal ISipTransactionUser User => Volatile.Read(ref _user) ?? throw new InvalidOperationException("The transaction layer has not been started.");

    /// <summary>Sets the user that hears of inbound requests and starts reading the transport. Call once.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start(ISipTransactionUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Interlocked.CompareExchange(ref _user, user, null) is not null)
        {
            throw new InvalidOperationException("The transaction layer is already started.");
        }

        if (_transport is not { } transport)
        {
            return;
        }

        for (var i = 0; i < Options.InboundWorkers; i++)
        {
            _loops.Add(Task.Run(() => ReadAsync(transport.Inbound, overloaded: false)));
        }

        _loops.Add(Task.Run(() => ReadAsync(transport.Overloaded, overloaded: true)));
    }

    /// <summary>
    /// Sends a request (not ACK or CANCEL) in a new client transaction. A top Via is added with a fresh
    /// branch, <c>rport</c> and our sent-by for the destination's transport, and Max-Forwards 70 when there
    /// is none. The outcome goes to <paramref name="user"/>.
    /// </summary>
    /// <param name="connection">Over TCP, a connection to use while it is open (a dialog's); else one to the destination is used or opened.</param>
    /// <exception cref="ArgumentException">An ACK or CANCEL, or a request whose CSeq is missing or names another method.</exception>
    public SipClientTransaction SendRequest(SipRequest request, SipEndPoint destination, ISipClientTransactionUser user, SipConnection? connection = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(user);
        if (request.Method == SipMethod.Ack || request.Method == SipMethod.Cancel)
        {
            throw new ArgumentException("An ACK goes through SendAckAsync and a CANCEL through SendCancel.", nameof(request));
        }

        if (request.CSeq is not { } cseq || cseq.Method != request.Method)
        {
            throw new ArgumentException("The request needs a CSeq naming its method.", nameof(request));
        }

        var outgoing = Prepare(request, destination, out var branch);
        var key = TransactionKey.ForClient(branch, request.Method);
        SipClientTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteClientTransaction(this, key, outgoing, destination, connection, user)
            : new NonInviteClientTransaction(this, key, outgoing, destination, connection, user);
        _clients.GetOrAdd(key, transaction);
        transaction.Start();
        return transaction;
    }

    /// <summary>
    /// Cancels an INVITE we sent (RFC 3261 section 9.1): a CANCEL with the INVITE's Request-URI, top Via,
    /// From, To, Call-ID, CSeq number and Route goes out in its own client transaction, to the same place.
    /// Send it only once the INVITE has had a provisional response (it is in Proceeding); the INVITE itself
    /// then ends with 487 or, if the callee answered first, with its 2xx. Cancelling twice returns the first CANCEL.
    /// </summary>
    /// <exception cref="ArgumentException">The transaction is not an INVITE's.</exception>
    public SipClientTransaction SendCancel(SipClientTransaction invite, ISipClientTransactionUser user)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(user);
        if (invite.Request.Method != SipMethod.Invite)
        {
            throw new ArgumentException("Only an INVITE is cancelled.", nameof(invite));
        }

        var original = invite.Request;
        var headers = SipHeaderList.Empty;
        if (original.TopVia is { } via)
        {
            headers = headers.Add(SipHeader.FromTyped(SipHeaderNames.Via, via.ToString(), System.Collections.Immutable.ImmutableArray.Create(via)));
        }

        foreach (var header in original.Headers)
        {
            if (header.Name is SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.CallId or SipHeaderNames.Route)
            {
                headers = headers.Add(header);
            }
        }

        var cancel = SipRequest.Create(SipMethod.Cancel, original.RequestUri)
            .WithHeaders(headers)
            .WithCSeq(new CSeq(original.CSeq?.Number ?? 0, SipMethod.Cancel))
            .WithMaxForwards(DefaultMaxForwards);
        var key = TransactionKey.ForClient(invite.Branch, SipMethod.Cancel);
        var transaction = new NonInviteClientTransaction(this, key, cancel, invite.RemoteEndPoint, invite.Connection, user);
        var existing = _clients.GetOrAdd(key, transaction);
        if (!ReferenceEquals(existing, transaction))
        {
            return existing;
        }

        transaction.Start();
        return transaction;
    }

    /// <summary>
    /// Sends the ACK for a 2xx, outside any transaction (RFC 3261 section 13.2.2.4), with a new Via as
    /// <see cref="SendRequest"/> adds. The user retransmits it for each retransmitted 2xx.
    /// </summary>
    /// <exception cref="ArgumentException">The request is not an ACK.</exception>
    public ValueTask<SipSendResult> SendAckAsync(SipRequest ack, SipEndPoint destination, SipConnection? connection = null)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Method != SipMethod.Ack)
        {
            throw new ArgumentException("Only an ACK is sent here.", nameof(ack));
        }

        return SendStatelessAsync(ack, destination, connection);
    }

    /// <summary>Sends a request once, with no transaction: nothing retransmits it and responses go to <see cref="ISipTransactionUser.OnStrayResponse"/>.</summary>
    public ValueTask<SipSendResult> SendStatelessAsync(SipRequest request, SipEndPoint destination, SipConnection? connection = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outgoing = Prepare(request, destination, out _);
        return Wire.SendAsync(SipWriter.ToArray(outgoing), destination, connection);
    }

    /// <summary>
    /// Sends a response once, with no transaction, where its top Via says (RFC 3261 section 18.2.2 with RFC
    /// 3581: <c>received</c> and <c>rport</c> as we stamped them on the request), or on
    /// <paramref name="connection"/> over TCP while it is open. The dialog layer uses it for a 2xx
    /// retransmitted after its server transaction has ended.
    /// </summary>
    public ValueTask<SipSendResult> SendResponseStatelessAsync(SipResponse response, SipConnection? connection = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.TopVia is not { } via || ResponseRouting.Destination(via, ResponseRouting.KindOf(via)) is not { } to)
        {
            return ValueTask.FromResult(SipSendResult.NoTransport);
        }

        return Wire.SendAsync(SipWriter.ToArray(response), to, connection);
    }

    /// <summary>Stops reading the transport; the transport, the wheel and running transactions are left alone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _stopping.Dispose();
    }

    internal void Forget(SipTransaction transaction)
    {
        switch (transaction)
        {
            case SipClientTransaction client:
                _clients.Remove(client.Key, client);
                break;
            case SipServerTransaction server:
                _servers.Remove(server.Key, server);
                if (server.Origin is { } origin)
                {
                    _origins.Remove(origin, server);
                }

                break;
        }
    }

    internal void OnUserCallFailed(Exception exception) => LogUserCallFailed(_logger, exception);

    /// <summary>Adds our Via with a fresh branch, and Max-Forwards when missing.</summary>
    private SipRequest Prepare(SipRequest request, SipEndPoint destination, out string branch)
    {
        ArgumentNullException.ThrowIfNull(destination.EndPoint);
        branch = SipIdentifiers.NewBranch();
        var local = LocalFor(destination);
        var via = new Via
        {
            Transport = destination.Kind == SipTransportKind.Udp ? "UDP" : "TCP",
            Host = SentByHost(local),
            Port = local.Port,
            Parameters = SipParameters.Of(new SipParameter("branch", branch), new SipParameter("rport", null)),
        };
        var outgoing = request.PrependVia(via);
        return outgoing.MaxForwards is null ? outgoing.WithMaxForwards(DefaultMaxForwards) : outgoing;
    }

    /// <summary>Our listening address for the destination's transport and address family, else any we have.</summary>
    private IPEndPoint LocalFor(SipEndPoint destination)
    {
        IPEndPoint? fallback = null;
        foreach (var local in Wire.LocalEndPoints)
        {
            if (local.Kind == destination.Kind && local.EndPoint.AddressFamily == destination.EndPoint.AddressFamily)
            {
                return local.EndPoint;
            }

            fallback ??= local.EndPoint;
        }

        return fallback ?? new IPEndPoint(IPAddress.Loopback, 5060);
    }

    private string SentByHost(IPEndPoint local) =>
        Options.SentByHost ?? (local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString());

    /// <summary>Whether a Via's sent-by is one we write (RFC 3261 section 18.1.2): only then is a stray response ours.</summary>
    private bool IsOurs(Via via)
    {
        foreach (var local in Wire.LocalEndPoints)
        {
            if (via.Port == local.EndPoint.Port && string.Equals(via.Host, SentByHost(local.EndPoint), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReadAsync(ChannelReader<InboundSipMessage> reader, bool overloaded)
    {
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    using (message)
                    {
                        Receive(message, overloaded);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed: the transport keeps what is still queued.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A SIP transaction user's callback failed")]
    private static partial void LogUserCallFailed(ILogger logger, Exception exception);
}
