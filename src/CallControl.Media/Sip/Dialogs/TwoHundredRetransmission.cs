namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The UAS's resending of its 2xx to an INVITE until the ACK comes (RFC 3261 13.3.1.4): first after T1,
/// the gap doubling up to T2, and after 64·T1 without ACK the dialog is given up with a BYE. It holds no
/// timer: ask <see cref="Poll"/> at <see cref="NextDueAt"/> (a timer wheel entry) and act on the answer.
/// </summary>
public sealed class TwoHundredRetransmission
{
    /// <summary>RFC 3261's default round-trip estimate.</summary>
    public static readonly TimeSpan DefaultT1 = TimeSpan.FromMilliseconds(500);

    /// <summary>RFC 3261's default cap on the retransmission gap.</summary>
    public static readonly TimeSpan DefaultT2 = TimeSpan.FromSeconds(4);

    private readonly TimeSpan _t2;
    private TimeSpan _gap;
    private DateTimeOffset _nextSend;

    /// <summary>Starts the plan for a 2xx first sent at <paramref name="sentAt"/>.</summary>
    public TwoHundredRetransmission(DateTimeOffset sentAt, TimeSpan? t1 = null, TimeSpan? t2 = null)
    {
        var firstGap = t1 ?? DefaultT1;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstGap, TimeSpan.Zero, nameof(t1));
        _t2 = t2 ?? DefaultT2;
        ArgumentOutOfRangeException.ThrowIfLessThan(_t2, firstGap, nameof(t2));
        _gap = firstGap;
        _nextSend = sentAt + firstGap;
        GiveUpAt = sentAt + (64 * firstGap);
    }

    /// <summary>When the missing ACK ends the dialog.</summary>
    public DateTimeOffset GiveUpAt { get; }

    /// <summary>True once the ACK arrived (or the plan gave up): nothing more is due.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>When <see cref="Poll"/> next has something to do; null once finished.</summary>
    public DateTimeOffset? NextDueAt => IsFinished ? null : Min(_nextSend, GiveUpAt);

    /// <summary>Stops the plan: the ACK for the 2xx arrived.</summary>
    public void AckReceived() => IsFinished = true;

    /// <summary>What to do at <paramref name="now"/>: resend the 2xx, send BYE, or nothing yet.</summary>
    public RetransmissionDecision Poll(DateTimeOffset now)
    {
        if (IsFinished)
        {
            return RetransmissionDecision.Nothing;
        }

        if (now >= GiveUpAt)
        {
            IsFinished = true;
            return RetransmissionDecision.SendBye;
        }

        if (now < _nextSend)
        {
            return RetransmissionDecision.Nothing;
        }

        _gap = Min(_gap * 2, _t2);
        _nextSend = now + _gap;
        return RetransmissionDecision.Retransmit;
    }

    private static T Min<T>(T a, T b)
        where T : IComparable<T> =>
        a.CompareTo(b) <= 0 ? a : b;
}

/// <summary>What the 2xx retransmission plan asks for at a given time.</summary>
public enum RetransmissionDecision
{
    /// <summary>Nothing is due (or the ACK came).</summary>
    Nothing,

    /// <summary>Send the same 2xx again.</summary>
    Retransmit,

    /// <summary>No ACK within 64·T1: send BYE to end the dialog.</summary>
    SendBye,
}
