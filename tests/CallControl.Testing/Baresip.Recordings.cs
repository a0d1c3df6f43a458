using System.Buffers.Binary;
using System.Diagnostics;

namespace CallControl.Testing;

/// <summary>
/// The station's recordings. baresip 1.0.0's sndfile filter writes two WAV files per call into
/// <see cref="RecordingDirectory"/>, named by the local time the call's audio started:
/// <c>dump-YYYY-MM-DD-hh-mm-ss-dec.wav</c>, what the station received (decoded, before playing), and
/// <c>dump-YYYY-MM-DD-hh-mm-ss-enc.wav</c>, what it sent (before encoding). Both are 16-bit PCM at the
/// codec's rate: mono 8000 Hz for G.711. A file's header gets its final sizes when the call's audio
/// stream is destroyed, just after CALL_CLOSED.
/// </summary>
public sealed partial class Baresip
{
    private const int WavHeaderSize = 44;

    /// <summary>The recordings of what the station received, oldest first.</summary>
    public IReadOnlyList<string> ReceivedAudioFiles => Recordings("dec");

    /// <summary>The recordings of what the station sent, oldest first.</summary>
    public IReadOnlyList<string> SentAudioFiles => Recordings("enc");

    /// <summary>
    /// Waits until the newest recording of received audio is complete (its call ended and sndfile closed it)
    /// and returns its path.
    /// </summary>
    /// <exception cref="TimeoutException">No complete recording in time; the message lists the folder and the output's tail.</exception>
    public async Task<string> WaitForReceivedAudioAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var newest = ReceivedAudioFiles.LastOrDefault();
            if (newest is not null && IsComplete(newest))
            {
                return newest;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                var files = Directory.Exists(RecordingDirectory) ? Directory.GetFileSystemEntries(RecordingDirectory) : [];
                throw new TimeoutException(
                    $"{this} has no complete received-audio recording in {RecordingDirectory} after {timeout.TotalSeconds:0.#} s; "
                    + $"it holds: {string.Join(", ", files.Select(Path.GetFileName))}.\n{Describe()}");
            }

            await Task.Delay(50);
        }
    }

    private IReadOnlyList<string> Recordings(string direction) =>
        Directory.Exists(RecordingDirectory)
            ? [.. Directory.GetFiles(RecordingDirectory, $"dump-*-{direction}.wav").Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Whether the RIFF size in the header accounts for the whole file, as it does once sndfile closed it.</summary>
    private static bool IsComplete(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> riff = stackalloc byte[8];
            if (file.Length <= WavHeaderSize || file.Read(riff) < riff.Length || !riff[..4].SequenceEqual("RIFF"u8))
            {
                return false;
            }

            return BinaryPrimitives.ReadUInt32LittleEndian(riff[4..]) == file.Length - 8;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
