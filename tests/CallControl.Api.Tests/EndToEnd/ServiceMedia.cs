using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CallControl.Testing;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>Where the service takes a call's media, read from the SDP offer of its INVITE to a SIPp phone.</summary>
public sealed partial record ServiceMedia(IPEndPoint RtpEndPoint, byte TelephoneEventPayloadType)
{
    /// <summary>Waits for <paramref name="phone"/>'s message log to show the service's INVITE, and reads its offer.</summary>
    public static async Task<ServiceMedia> OfferedToAsync(Sipp phone)
    {
        var deadline = DateTime.UtcNow + CallControlStack.Patience;
        while (true)
        {
            var log = Directory.GetFiles(phone.WorkingDirectory, "*messages.log").Select(File.ReadAllText).SingleOrDefault() ?? "";
            // The log starts with the INVITE the phone received; its SDP is the service's offer.
            var invite = log.IndexOf("INVITE sip:", StringComparison.Ordinal);
            var end = invite < 0 ? -1 : log.IndexOf("SIP/2.0 1", invite, StringComparison.Ordinal);
            if (end > invite)
            {
                var offer = log[invite..end];
                var address = ConnectionLine().Match(offer);
                var port = MediaLine().Match(offer);
                var events = TelephoneEvent().Match(offer);
                if (address.Success && port.Success && events.Success)
                {
                    return new ServiceMedia(
                        new IPEndPoint(IPAddress.Parse(address.Groups[1].Value), int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture)),
                        byte.Parse(events.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No SDP offer from the service in the log of the phone on port {phone.LocalPort}:\n{log}");
            }

            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"c=IN IP4 (\S+)")]
    private static partial Regex ConnectionLine();

    [GeneratedRegex(@"m=audio (\d+) ")]
    private static partial Regex MediaLine();

    [GeneratedRegex(@"a=rtpmap:(\d+) telephone-event/8000")]
    private static partial Regex TelephoneEvent();
}
