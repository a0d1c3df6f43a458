using CallControl.Media.Audio;
using CallControl.Media.Rtp.Clock;

namespace CallControl.Media.Calls.Recording;

/// <summary>
/// Records a bridge to a stereo WAV file: what one leg's far end says on the left channel, what the other's
/// says on the right. The legs feed the two <see cref="RecordingChannel"/>s as packets arrive; every media
/// clock tick takes one frame from each and appends it, so both channels stay on the clock's time line even
/// when a side is silent or on hold.
/// </summary>
public sealed class CallRecorder : IMediaClockSubscriber, IDisposable
{
    private readonly StereoWavWriter _writer;
    private readonly short[] _left = new short[AudioFormat.FrameSamples];
    private readonly short[] _right = new short[AudioFormat.FrameSamples];
    private readonly Lock _gate = new();
    private bool _closed;

    /// <summary>Creates (or replaces) the file at <paramref name="path"/>; its folder must exist.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be created.</exception>
    public CallRecorder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        // A large buffer turns the 640 bytes of each tick into a write every few seconds.
        _writer = new StereoWavWriter(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024));
    }

    public string Path { get; }

    /// <summary>The far end of the first leg, on the left channel.</summary>
    public RecordingChannel Left { get; } = new();

    /// <summary>The far end of the second leg, on the right channel.</summary>
    public RecordingChannel Right { get; } = new();

    /// <summary>How much has been recorded.</summary>
    public TimeSpan Duration
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromSeconds((double)_writer.SampleFrames / AudioFormat.SampleRate);
            }
        }
    }

    /// <summary>Set when writing failed (a full disk); the recording stopped there and the file holds what came before.</summary>
    public IOException? Failure { get; private set; }

    /// <inheritdoc/>
    public void OnTick(MediaTick tick)
    {
        Left.Read(_left);
        Right.Read(_right);
        lock (_gate)
        {
            if (_closed || Failure is not null)
            {
                return;
            }

            try
            {
                _writer.Write(_left, _right);
            }
            catch (IOException exception)
            {
                Failure = exception;
            }
        }
    }

    /// <summary>Finishes the file: its header gets the final sizes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            try
            {
                _writer.Dispose();
            }
            catch (IOException exception)
            {
                Failure ??= exception;
            }
        }
    }
}
