using System.Buffers.Binary;
using System.Net;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>Recording on the wire: both sides talk on their own tones, and the WAV holds each on its own channel.</summary>
[Collection(CallFeatures.Name)]
public sealed class RecordingTests
{
    /// <summary>How long both sides talk while recorded.</summary>
    private const int TalkPackets = 75;

    private readonly CallControlStack _stack;

    public RecordingTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task ARecordingStartedAndStoppedIsAStereoWavWithTheCustomerLeftAndTheAgentRight()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var customer = await TalkingPhone.StartAsync(_stack, 1600);
        var call = await ClickToDial.ConnectAsync(_stack, client, "recording-a1", station, customer);

        var (startStatus, started) = await CommandAsync(client, $"{call.Path}/recording", new { enabled = true });

        startStatus.ShouldBe(HttpStatusCode.OK, started.ToString());
        var recording = started.GetProperty("recording");
        recording.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        var path = recording.GetProperty("path").GetString()!;
        Path.IsPathRooted(path).ShouldBeTrue(path);
        path.ShouldEndWith(".wav");
        Path.GetFileName(path).ShouldStartWith(call.Id);

        // Both keep talking for a while on the record; what counts is packets sent, not time passed.
        var (stationSent, customerSent) = (station.Media.Sent, customer.Media.Sent);
        var deadline = DateTime.UtcNow + Patience;
        while (station.Media.Sent < stationSent + TalkPackets || customer.Media.Sent < customerSent + TalkPackets)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the phones stopped sending");
            await Task.Delay(50);
        }

        var (stopStatus, stopped) = await CommandAsync(client, $"{call.Path}/recording", new { enabled = false });

        stopStatus.ShouldBe(HttpStatusCode.OK, stopped.ToString());
        stopped.GetProperty("recording").GetProperty("enabled").GetBoolean().ShouldBeFalse();
        stopped.GetProperty("recording").GetProperty("path").GetString().ShouldBe(path, "the recording stays where it was written");
        var (left, right) = ReadStereoWav(path);
        left.Length.ShouldBeGreaterThanOrEqualTo(TalkPackets * 160, "the recording lasts as long as the talk at least");
        PhoneMedia.Dominant(left, customer.Tone, [station.Tone, .. TalkingPhone.MusicTones])
            .ShouldBeTrue($"the left channel is the customer: {Levels(left, station, customer)}");
        PhoneMedia.Dominant(right, station.Tone, [customer.Tone, .. TalkingPhone.MusicTones])
            .ShouldBeTrue($"the right channel is the agent: {Levels(right, station, customer)}");

        await call.EndAsync(client, station, customer);
        (await call.HistoryAsync(client))
            .Select(e => e.GetProperty("type").GetString()!)
            .Where(type => type.StartsWith("Recording", StringComparison.Ordinal))
            .ShouldBe(["RecordingStartRequested", "RecordingStarted", "RecordingStopRequested", "RecordingStopped"]);
        File.Delete(path);
    }

    private static string Levels(short[] channel, TalkingPhone station, TalkingPhone customer) =>
        $"agent tone {PhoneMedia.Amplitude(channel, station.Tone):0}, customer tone {PhoneMedia.Amplitude(channel, customer.Tone):0}";

    /// <summary>The two channels of a 16-bit PCM 8 kHz stereo WAV, read chunk by chunk.</summary>
    private static (short[] Left, short[] Right) ReadStereoWav(string path)
    {
        var bytes = File.ReadAllBytes(path);
        System.Text.Encoding.ASCII.GetString(bytes, 0, 4).ShouldBe("RIFF");
        System.Text.Encoding.ASCII.GetString(bytes, 8, 4).ShouldBe("WAVE");
        var offset = 12;
        var formatSeen = false;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            var body = bytes.AsSpan(offset + 8);
            if (id == "fmt ")
            {
                BinaryPrimitives.ReadUInt16LittleEndian(body).ShouldBe((ushort)1, "PCM");
                BinaryPrimitives.ReadUInt16LittleEndian(body[2..]).ShouldBe((ushort)2, "two channels");
                BinaryPrimitives.ReadUInt32LittleEndian(body[4..]).ShouldBe(8000u, "8 kHz");
                BinaryPrimitives.ReadUInt16LittleEndian(body[14..]).ShouldBe((ushort)16, "16-bit samples");
                formatSeen = true;
            }
            else if (id == "data")
            {
                formatSeen.ShouldBeTrue("the format comes before the samples");
                size.ShouldBe(bytes.Length - offset - 8, "the header has the final size");
                var frames = size / 4;
                var (left, right) = (new short[frames], new short[frames]);
                for (var i = 0; i < frames; i++)
                {
                    left[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(i * 4)..]);
                    right[i] = BinaryPrimitives.ReadInt16LittleEndian(body[((i * 4) + 2)..]);
                }

                return (left, right);
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }
}
