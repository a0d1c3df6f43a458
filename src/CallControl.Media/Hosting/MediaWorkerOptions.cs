using System.Globalization;
using System.Net;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Transport;
using Microsoft.Extensions.Configuration;

namespace CallControl.Media.Hosting;

/// <summary>The worker's identity and where it listens; bound from the <c>Media</c> configuration section.</summary>
public sealed class MediaWorkerOptions
{
    public const string SectionName = "Media";

    /// <summary>The worker id used when none is configured: the machine's name and the process id.</summary>
    public static readonly string DefaultWorkerId = $"media-{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant();

    /// <summary>Names this worker's queue and its legs' owner; unique per running worker. <see cref="DefaultWorkerId"/> when empty.</summary>
    public string WorkerId { get; set; } = DefaultWorkerId;

    /// <summary>The SIP listening address, <c>host:port</c> (IPv6 in brackets).</summary>
    public string SipAddress { get; set; } = "127.0.0.1:5060";

    /// <summary>RTP/RTCP port pairs are taken from this inclusive range, <c>low-high</c>.</summary>
    public string MediaPortRange { get; set; } = "20000-29999";

    /// <summary>The address RTP is bound to; the SIP address's host when empty.</summary>
    public string? MediaAddress { get; set; }

    /// <summary>The media address our SDP names, when a NAT or relay in front of the worker forwards the same ports; the media address when empty.</summary>
    public string? AdvertisedMediaAddress { get; set; }

    /// <summary>Music on hold: a mono 8 kHz WAV (PCM, μ-law or A-law) played in a loop; a generated tone pattern when empty.</summary>
    public string? MusicOnHoldFile { get; set; }

    /// <summary>Symmetric RTP latching: <c>Off</c>, <c>Auto</c> (send where packets come from when that differs from the SDP) or <c>On</c>.</summary>
    public string SymmetricRtp { get; set; } = "Auto";

    /// <summary>A connected call whose far end sends no RTP this long while not on hold is ended <c>gone</c>.</summary>
    public int RtpTimeoutSeconds { get; set; } = 30;

    /// <summary>Where recordings are written (created when missing); a command names only the file.</summary>
    public string RecordingDirectory { get; set; } = ".data/recordings";

    /// <summary>A place or ring command that waited on the bus longer than this is refused rather than carried out late.</summary>
    public int CommandMaxAgeSeconds { get; set; } = 30;

    /// <summary>An inbound call not taken (ring) or refused by the API within this long is declined with 480.</summary>
    public int InboundRoutingTimeoutSeconds { get; set; } = 10;

    /// <summary>How often the worker tells the API it is alive.</summary>
    public int HeartbeatIntervalSeconds { get; set; } = 2;

    /// <summary>The configured worker id, or <see cref="DefaultWorkerId"/> when the setting is missing or empty.</summary>
    public static string WorkerIdFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{SectionName}:{nameof(WorkerId)}"];
        return string.IsNullOrWhiteSpace(configured) ? DefaultWorkerId : configured.Trim();
    }

    /// <summary>The media port range's bounds; only meaningful once <see cref="Validate"/> found no error.</summary>
    public (int Low, int High) PortRange => TryParseRange(MediaPortRange, out var low, out var high) ? (low, high) : (0, 0);

    /// <summary>Checks every setting and says what is wrong with each bad one.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(WorkerId) || WorkerId.Length > 64)
        {
            errors.Add("Media:WorkerId must be 1 to 64 characters.");
        }

        if (!IPEndPoint.TryParse(SipAddress, out var sip) || sip.Port == 0)
        {
            errors.Add($"Media:SipAddress '{SipAddress}' is not an address with a port, such as 127.0.0.1:5060 or [::1]:5060.");
        }

        if (!TryParseRange(MediaPortRange, out var low, out var high))
        {
            errors.Add($"Media:MediaPortRange '{MediaPortRange}' is not 'low-high' with 1024 <= low < high <= 65535 and an even low port.");
        }
        else if (high - low + 1 < 2)
        {
            errors.Add("Media:MediaPortRange must hold at least one RTP/RTCP port pair.");
        }

        foreach (var (name, value) in new[] { ("MediaAddress", MediaAddress), ("AdvertisedMediaAddress", AdvertisedMediaAddress) })
        {
            // IPAddress.TryParse also takes inet_aton's short forms ("10.0.0"), which are a typo here more often than not.
            if (!string.IsNullOrEmpty(value) && (!IPAddress.TryParse(value, out var parsed) || (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Split('.').Length != 4)))
            {
                errors.Add($"Media:{name} '{value}' is not an IP address.");
            }
        }

        if (!string.IsNullOrEmpty(MusicOnHoldFile) && !File.Exists(MusicOnHoldFile))
        {
            errors.Add($"Media:MusicOnHoldFile '{MusicOnHoldFile}' does not exist.");
        }

        if (!Enum.TryParse<SymmetricRtp>(SymmetricRtp, ignoreCase: true, out _) || int.TryParse(SymmetricRtp, out _))
        {
            errors.Add($"Media:SymmetricRtp '{SymmetricRtp}' is not Off, Auto or On.");
        }

        if (RtpTimeoutSeconds is < 5 or > 3600)
        {
            errors.Add("Media:RtpTimeoutSeconds must be 5 to 3600.");
        }

        if (string.IsNullOrWhiteSpace(RecordingDirectory))
        {
            errors.Add("Media:RecordingDirectory must name a folder.");
        }

        if (CommandMaxAgeSeconds is < 1 or > 3600)
        {
            errors.Add("Media:CommandMaxAgeSeconds must be 1 to 3600.");
        }

        if (InboundRoutingTimeoutSeconds is < 1 or > 300)
        {
            errors.Add("Media:InboundRoutingTimeoutSeconds must be 1 to 300.");
        }

        if (HeartbeatIntervalSeconds is < 1 or > 60)
        {
            errors.Add("Media:HeartbeatIntervalSeconds must be 1 to 60.");
        }

        return errors;
    }

    /// <summary>The engine's options from these settings; only meaningful once <see cref="Validate"/> found no error.</summary>
    public MediaEngineOptions ToEngineOptions()
    {
        var sip = IPEndPoint.Parse(SipAddress);
        var (low, high) = PortRange;
        return new MediaEngineOptions
        {
            SipListenOn = [SipEndPoint.Udp(sip), SipEndPoint.Tcp(sip)],
            MediaAddress = string.IsNullOrEmpty(MediaAddress) ? sip.Address : IPAddress.Parse(MediaAddress),
            AdvertisedMediaAddress = string.IsNullOrEmpty(AdvertisedMediaAddress) ? null : IPAddress.Parse(AdvertisedMediaAddress),
            MediaPorts = new RtpPortRange(low, high),
            MusicOnHoldPath = string.IsNullOrEmpty(MusicOnHoldFile) ? null : MusicOnHoldFile,
            Latching = Enum.Parse<SymmetricRtp>(SymmetricRtp, ignoreCase: true),
            InactivityTimeout = TimeSpan.FromSeconds(RtpTimeoutSeconds),
        };
    }

    private static bool TryParseRange(string value, out int low, out int high)
    {
        low = high = 0;
        var parts = value.Split('-', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out low)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out high)
            && low >= 1024 && high <= 65535 && low < high && low % 2 == 0;
    }
}
