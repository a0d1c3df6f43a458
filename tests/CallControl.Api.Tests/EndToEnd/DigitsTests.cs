using System.Net;
using System.Text.Json;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>DTMF both ways on the wire: RFC 4733 telephone-events to a phone on request, and from a phone into the history.</summary>
[Collection(CallFeatures.Name)]
public sealed class DigitsTests
{
    private readonly CallControlStack _stack;

    public DigitsTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task DigitsPostedForTheCustomerReachItsPhoneAsTelephoneEventsOnTheOfferedPayloadType()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var customer = await TalkingPhone.StartAsync(_stack, 1600);
        var call = await ClickToDial.ConnectAsync(_stack, client, "digits-a1", station, customer);
        var eventType = customer.Service!.TelephoneEventPayloadType;
        var mark = customer.Media.Mark();

        var (status, sent) = await CommandAsync(client, call.Customer("digits"), new { digits = "12#" });

        status.ShouldBe(HttpStatusCode.OK, sent.ToString());
        var arrived = await customer.Media.WaitForAsync(
            mark, since => Keys(since, eventType).Count(k => k.Ended) == 3, "three keys to be pressed and released");
        var keys = Keys(arrived, eventType);
        keys.Select(k => k.Code).ShouldBe([1, 2, 11], "1, 2 and # in the order sent");
        keys.ShouldAllBe(k => k.Marked, "each key's first packet has the marker bit");
        keys.ShouldAllBe(k => k.Duration > 0);

        var history = await call.HistoryAsync(client);
        var requested = history.Single(e => e.GetProperty("type").GetString() == "DigitsSendRequested").GetProperty("data");
        requested.GetProperty("participantId").GetString().ShouldBe(call.CustomerParticipantId);
        requested.GetProperty("digits").GetString().ShouldBe("12#");
        history.ShouldNotContain(e => e.GetProperty("type").GetString() == "ParticipantCommandFailed");
        await call.EndAsync(client, station, customer);
    }

    [Fact]
    public async Task KeysPressedOnTheCustomersPhoneAreInTheHistoryAndReachTheAgent()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var customer = await TalkingPhone.StartAsync(_stack, 1600);
        var call = await ClickToDial.ConnectAsync(_stack, client, "digits-a2", station, customer);
        var stationMark = station.Media.Mark();

        await customer.Media.PressAsync("47*", customer.Service!.TelephoneEventPayloadType);

        var deadline = DateTime.UtcNow + Patience;
        List<JsonElement> received;
        while (true)
        {
            received = [.. (await call.HistoryAsync(client)).Where(e => e.GetProperty("type").GetString() == "DigitsReceived")];
            if (received.Count >= 3 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        received.Select(e => e.GetProperty("data").GetProperty("digits").GetString()).ShouldBe(["4", "7", "*"], "each key once, in order");
        received.ShouldAllBe(e => e.GetProperty("data").GetProperty("participantId").GetString() == call.CustomerParticipantId);

        // The agent's station hears the keys too, as events on the payload type it was offered.
        var relayed = await station.Media.WaitForAsync(
            stationMark,
            since => Keys(since, station.Service!.TelephoneEventPayloadType).Count(k => k.Ended) == 3,
            "the keys to be relayed to the agent");
        Keys(relayed, station.Service!.TelephoneEventPayloadType).Select(k => k.Code).ShouldBe([4, 7, 10]);
        await call.EndAsync(client, station, customer);
    }

    /// <summary>One key in RFC 4733 events: its code, whether its first packet had the marker, its longest duration, and whether it ended.</summary>
    private sealed record Key(int Code, bool Marked, int Duration, bool Ended);

    /// <summary>The keys in <paramref name="arrivals"/> on <paramref name="payloadType"/>, in order: the packets of one key share a timestamp.</summary>
    private static List<Key> Keys(IReadOnlyList<PhoneMedia.Arrival> arrivals, byte payloadType) =>
        [.. arrivals
            .Where(a => a.PayloadType == payloadType && a.Payload.Length >= 4)
            .GroupBy(a => a.Timestamp)
            .Select(g => new Key(
                g.First().Payload[0],
                g.First().Marker,
                g.Max(a => (a.Payload[2] << 8) | a.Payload[3]),
                g.Any(a => (a.Payload[1] & 0x80) != 0)))];
}
