namespace CallControl.Testing;

/// <summary>How a <see cref="Baresip"/> station answers calls: baresip's own answer modes.</summary>
public enum BaresipAnswerMode
{
    /// <summary>Incoming calls ring (<see cref="BaresipEvent.CallOffered"/>) until answered.</summary>
    Manual,

    /// <summary>Incoming calls get early media (183) and then wait to be answered.</summary>
    Early,

    /// <summary>Incoming calls are answered at once.</summary>
    Auto,
}

/// <summary>What a <see cref="Baresip"/> station is started with.</summary>
public sealed record BaresipOptions
{
    /// <summary>The user part of the station's address (<c>sip:USER@127.0.0.1:PORT</c>).</summary>
    public string User { get; init; } = "station";

    /// <summary>The frequency of the sine tone the station sends as its voice, 10–20000 Hz.</summary>
    public int ToneFrequency { get; init; } = 440;

    /// <summary>How incoming calls are answered.</summary>
    public BaresipAnswerMode AnswerMode { get; init; } = BaresipAnswerMode.Manual;

    /// <summary>
    /// The RTP ports the station picks from (RTCP takes the port above). When null, a random 200-port window
    /// among 10000–19999 with no UDP port bound in it at start: below the media worker's default range and
    /// the kernel's ephemeral ports. baresip tries 64 random ports of the window for each stream.
    /// </summary>
    public (int Low, int High)? RtpPorts { get; init; }

    /// <summary>
    /// Where the station's WAV recordings go. When null, a folder inside the station's temporary folder,
    /// deleted with it; a folder given here is created when missing and left in place.
    /// </summary>
    public string? RecordingDirectory { get; init; }

    /// <summary>Whether baresip prints every SIP message it sends and receives (its <c>-s</c>) to its output.</summary>
    public bool SipTrace { get; init; }

    /// <summary>The longest <see cref="Baresip.StartAsync"/> waits for the station to be ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a control command waits for its response.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
