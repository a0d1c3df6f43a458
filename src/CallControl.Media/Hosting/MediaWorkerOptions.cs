using System.Globalization;
using System.Net;

namespace CallControl.Media.Hosting;

/// <summary>The worker's identity and where it listens; bound from the <c>Media</c> configuration section.</summary>
public sealed class MediaWorkerOptions
{
    public const string SectionName = "Media";

    /// <summary>Names this worker's queue and its legs' owner; unique per running worker.</summary>
    public string WorkerId { get; set; } = $"media-{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant();

    /// <summary>The SIP listening address, <c>host:port</c> (IPv6 in brackets).</summary>
    public string SipAddress { get; set; } = "127.0.0.1:5060";

    /// <summary>RTP/RTCP port pairs are taken from this inclusive range, <c>low-high</c>.</summary>
    public string MediaPortRange { get; set; } = "20000-29999";

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

        return errors;
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
