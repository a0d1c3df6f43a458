using System.Buffers.Binary;

namespace CallControl.Media.Audio;

/// <summary>
/// Streams a two-party recording to a 16-bit PCM 8 kHz stereo WAV, one party per channel, so each side can be
/// listened to or transcribed alone. The header goes out first with zero sizes and is fixed on dispose; a
/// file cut off by a crash still has its samples, and readers that trust the bytes present can play it.
/// Not thread-safe: one writer per recording, fed by the bridge's clock.
/// </summary>
public sealed class StereoWavWriter : IDisposable
{
    private const int Channels = 2;
    private const int BytesPerFrame = Channels * sizeof(short);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[AudioFormat.FrameSamples * BytesPerFrame];
    private uint _dataLength;
    private bool _disposed;

    /// <param name="stream">Writable and seekable, positioned where the file starts.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="stream"/> open.</param>
    public StereoWavWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite || !stream.CanSeek)
        {
            throw new ArgumentException("The recording needs a writable, seekable stream to fix the sizes at the end.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        Start = stream.Position;

        Span<byte> header = stackalloc byte[RiffWave.CanonicalHeaderSize];
        RiffWave.WritePcmHeader(header, Channels, AudioFormat.SampleRate, 16, 0);
        _stream.Write(header);
    }

    /// <summary>Sample frames (one left and one right sample) written so far.</summary>
    public long SampleFrames => _dataLength / BytesPerFrame;

    private long Start { get; }

    /// <summary>Creates (or replaces) the file at <paramref name="path"/>.</summary>
    public static StereoWavWriter Create(string path) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 16 * 1024));

    /// <summary>Appends samples: <paramref name="left"/> to the left channel, <paramref name="right"/> to the right.</summary>
    public void Write(ReadOnlySpan<short> left, ReadOnlySpan<short> right)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Both channels need the same number of samples; left has {left.Length}, right {right.Length}.", nameof(right));
        }

        // The RIFF sizes are 32-bit; at 32 kB/s that is over 37 hours of recording.
        if ((ulong)_dataLength + ((ulong)left.Length * BytesPerFrame) > uint.MaxValue - RiffWave.CanonicalHeaderSize)
        {
            throw new InvalidOperationException("The recording has reached the 4 GiB limit of a WAV file.");
        }

        while (!left.IsEmpty)
        {
            var count = Math.Min(left.Length, AudioFormat.FrameSamples);
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan(i * BytesPerFrame), left[i]);
                BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan((i * BytesPerFrame) + 2), right[i]);
            }

            _stream.Write(_buffer, 0, count * BytesPerFrame);
            _dataLength += (uint)(count * BytesPerFrame);
            left = left[count..];
            right = right[count..];
        }
    }

    /// <summary>Fixes the RIFF and data sizes and closes the stream (unless asked to leave it open).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            var end = _stream.Position;
            Span<byte> size = stackalloc byte[4];

            BinaryPrimitives.WriteUInt32LittleEndian(size, RiffWave.CanonicalHeaderSize - 8 + _dataLength);
            _stream.Position = Start + 4;
            _stream.Write(size);

            BinaryPrimitives.WriteUInt32LittleEndian(size, _dataLength);
            _stream.Position = Start + 40;
            _stream.Write(size);

            _stream.Position = end;
            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }
}
