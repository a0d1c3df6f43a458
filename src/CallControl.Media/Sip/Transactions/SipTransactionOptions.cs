namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// The timer base values of RFC 3261 section 17 and the few knobs of the transaction layer. Every other
/// timer is derived from these: A, E and G start at <see cref="T1"/>; B, F, H, J, L and M are 64·T1; E and G
/// are capped at <see cref="T2"/>; I and K are <see cref="T4"/>. Over TCP nothing is retransmitted and D, I,
/// J and K are zero.
/// </summary>
public sealed record SipTransactionOptions
{
    /// <summary>The round-trip estimate: the first retransmission interval (500 ms by default).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest retransmission interval for non-INVITE requests and INVITE final responses (4 s).</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a message may stay in the network (5 s): timers I and K over UDP.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client INVITE transaction absorbs final response retransmissions over UDP (timer D, 32 s).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>The Retry-After sent with the 503 that answers requests the transport found no room for.</summary>
    public TimeSpan OverloadRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many loops take messages from the transport's inbound queue at once. Messages of one transaction
    /// may then be handled out of arrival order, as UDP may deliver them anyway; each transaction copes.
    /// </summary>
    public int InboundWorkers { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// The host written as sent-by in the Via of requests we send; by default the address of the listening
    /// socket, which must then not be a wildcard address.
    /// </summary>
    public string? SentByHost { get; init; }

    internal TimeSpan SixtyFourT1 => T1 * 64;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(T1, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(T2, T1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(T4, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimerD, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(OverloadRetryAfter, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(InboundWorkers, 1);
    }
}
