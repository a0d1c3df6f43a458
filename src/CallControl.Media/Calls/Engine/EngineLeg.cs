using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Calls.Recording;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Calls.Engine;

/// <summary>The engine's record of one leg: its SIP call, its media, and what is under way on it. Touched only by the engine's loop.</summary>
internal sealed class EngineLeg(string id, SipCall call, RtpLeg media)
{
    public string Id { get; } = id;

    public SipCall Call { get; } = call;

    public RtpLeg Media { get; } = media;

    public bool Answered { get; set; }

    public bool Ended { get; set; }

    /// <summary>The leg this one is bridged to.</summary>
    public EngineLeg? Peer { get; set; }

    /// <summary>Muted by command (hold also keeps the far end's audio from the peer, without this flag).</summary>
    public bool Muted { get; set; }

    /// <summary>The hold we asked for, once asked; null when we do not hold the far end.</summary>
    public HoldAudio? HeldWith { get; set; }

    /// <summary>A hold (true) or resume (false) sent and not yet answered.</summary>
    public bool? PendingHold { get; set; }

    /// <summary>A hold or resume asked for while the opposite one was still waiting for its answer: sent once that answer is in.</summary>
    public Action<EngineLeg>? AfterMediaChange { get; set; }

    public bool HeldByFarEnd { get; set; }

    /// <summary>Set when we hung up or cancelled, so the end is reported as ours with this reason.</summary>
    public DisconnectReason? EndReason { get; set; }

    /// <summary>For a leg placed to take another's place (blind transfer, REFER, consultation): what it is for.</summary>
    public Transfer? PlacedFor { get; set; }

    /// <summary>The transfer or consultation this leg started, while it runs.</summary>
    public Transfer? Transferring { get; set; }

    /// <summary>A recording anchored on this leg: its far end on the left, its peer's on the right.</summary>
    public CallRecorder? Recorder { get; set; }

    public override string ToString() => $"leg {Id} ({Call})";
}

/// <summary>How a transfer was asked for.</summary>
internal enum TransferKind
{
    /// <summary>By command: the new leg replaces the old one in its bridge once it answers.</summary>
    Blind,

    /// <summary>The old leg's far end sent REFER: as blind, with NOTIFYs telling it how it goes.</summary>
    Refer,

    /// <summary>The old leg's peer waits on hold while the old leg talks to the new one.</summary>
    Consult,
}

/// <summary>One transfer in progress: <see cref="From"/> is being replaced by <see cref="Target"/>, for <see cref="Party"/>.</summary>
internal sealed class Transfer(TransferKind kind, EngineLeg from, EngineLeg? party)
{
    public TransferKind Kind { get; } = kind;

    /// <summary>The leg that leaves (the transferring agent, or the far end that sent REFER).</summary>
    public EngineLeg From { get; } = from;

    /// <summary>The new leg placed to the transfer target, once placed.</summary>
    public EngineLeg Target { get; set; } = null!;

    /// <summary>The leg that stays and ends up bridged to <see cref="Target"/> (the customer).</summary>
    public EngineLeg? Party { get; set; } = party;
}
