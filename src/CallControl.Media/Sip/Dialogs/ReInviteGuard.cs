namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// Keeps one INVITE transaction at a time on a dialog in each direction (RFC 3261 section 14): it knows
/// which of our INVITEs still waits for its final response and which of the peer's we have not yet
/// answered finally, and says how a new INVITE from the peer collides with them.
/// </summary>
public sealed class ReInviteGuard
{
    /// <summary>The longest Retry-After a 500 for an overlapping INVITE carries, in seconds.</summary>
    public const int MaxRetryAfterSeconds = 10;

    /// <summary>The CSeq number of our INVITE that has no final response yet, or null.</summary>
    public uint? PendingOutgoing { get; private set; }

    /// <summary>The CSeq number of the peer's INVITE we have not answered finally, or null.</summary>
    public uint? PendingIncoming { get; private set; }

    /// <summary>True when neither direction has an INVITE in progress, so we may send one.</summary>
    public bool CanSendInvite => PendingOutgoing is null && PendingIncoming is null;

    /// <summary>
    /// The delay before resending a re-INVITE that got 491 (RFC 3261 14.1), in 10 ms steps: 2.1 to 4 s
    /// for the side that chose the Call-ID, 0 to 2 s for the other, so that the two sides do not collide again.
    /// </summary>
    public static TimeSpan RetryDelayAfterRequestPending(bool ownsCallId, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var steps = ownsCallId ? random.Next(210, 401) : random.Next(0, 201);
        return TimeSpan.FromMilliseconds(steps * 10);
    }

    /// <summary>How a new INVITE from the peer with that CSeq number collides with INVITEs in progress.</summary>
    public ReInviteConflict Check(uint incomingSequence) =>
        PendingIncoming is { } pending && pending < incomingSequence ? ReInviteConflict.PreviousInviteUnanswered
        : PendingOutgoing is not null ? ReInviteConflict.RequestPending
        : ReInviteConflict.None;

    /// <summary>Records that we sent an INVITE.</summary>
    /// <exception cref="InvalidOperationException">An INVITE is already in progress in either direction.</exception>
    public void InviteSent(uint sequence)
    {
        if (!CanSendInvite)
        {
            throw new InvalidOperationException("An INVITE transaction is already in progress on this dialog.");
        }

        PendingOutgoing = sequence;
    }

    /// <summary>Records a final response to our INVITE; other sequence numbers are ignored.</summary>
    public void FinalResponseReceived(uint sequence)
    {
        if (PendingOutgoing == sequence)
        {
            PendingOutgoing = null;
        }
    }

    /// <summary>Records a peer's INVITE that we took on (one that <see cref="Check"/> let through).</summary>
    public void InviteReceived(uint sequence) => PendingIncoming = sequence;

    /// <summary>Records our final response to the peer's INVITE; other sequence numbers are ignored.</summary>
    public void FinalResponseSent(uint sequence)
    {
        if (PendingIncoming == sequence)
        {
            PendingIncoming = null;
        }
    }
}

/// <summary>How an incoming INVITE collides with the INVITE transactions already on its dialog.</summary>
public enum ReInviteConflict
{
    /// <summary>No INVITE is in progress: the new one may proceed.</summary>
    None,

    /// <summary>Our own INVITE is in progress: answer 491 Request Pending.</summary>
    RequestPending,

    /// <summary>The peer's previous INVITE is still unanswered: answer 500 with a Retry-After of 0 to 10 s.</summary>
    PreviousInviteUnanswered,
}
