using System.Buffers.Binary;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Media.Audio;

/// <summary>
/// A WAV file played over and over, such as configured music on hold. The file is decoded once at load, so
/// reading a frame is a copy. Accepts mono 8 kHz in 16-bit PCM, μ-law or A-law; anything else would need
/// resampling or mixing, so it is refused at load rather than played wrong. Not thread-safe: share the
/// loaded samples with <see cref="Clone"/>, one reader per leg.
/// </summary>
public sealed class WavLoop : IAudioSource
{
    private readonly short[] _samples;
    private int _position;

    private WavLoop(WavFormat format, short[] samples)
    {
        Format = format;
        _samples = samples;
    }

    /// <summary>The format the file was stored in.</summary>
    public WavFormat Format { get; }

    /// <summary>Samples in one pass through the file.</summary>
    public int SampleCount => _samples.Length;

    /// <summary>Loads and decodes a WAV file.</summary>
    /// <exception cref="WavFormatException">The file is malformed or in an unsupported format.</exception>
    public static WavLoop Load(string path) => FromBytes(File.ReadAllBytes(path));

    /// <summary>Decodes a WAV file's bytes.</summary>
    /// <exception cref="WavFormatException">The bytes are malformed or in an unsupported format.</exception>
    public static WavLoop FromBytes(ReadOnlySpan<byte> file)
    {
        var (format, range) = RiffWave.Parse(file);
        var data = file[range];

        var supported = format.Channels == 1 && format.SampleRate == AudioFormat.SampleRate
            && ((format.FormatTag == WavFormat.Pcm && format.BitsPerSample == 16)
                || (format.FormatTag is WavFormat.MuLaw or WavFormat.ALaw && format.BitsPerSample == 8));
        if (!supported)
        {
            throw new WavFormatException(
                $"The WAV file is {format}; only mono 8000 Hz in 16-bit PCM, 8-bit μ-law or 8-bit A-law can be played.");
        }

        var samples = new short[format.FormatTag == WavFormat.Pcm ? data.Length / 2 : data.Length];
        if (samples.Length == 0)
        {
            throw new WavFormatException("The WAV file has no samples.");
        }

        switch (format.FormatTag)
        {
            case WavFormat.MuLaw:
                G711.DecodeMuLaw(data, samples);
                break;
            case WavFormat.ALaw:
                G711.DecodeALaw(data, samples);
                break;
            default:
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
                }

                break;
        }

        return new WavLoop(format, samples);
    }

    /// <summary>Another reader of the same decoded samples, starting at the beginning.</summary>
    public WavLoop Clone() => new(Format, _samples);

    /// <inheritdoc />
    public void Read(Span<short> frame)
    {
        while (!frame.IsEmpty)
        {
            var count = Math.Min(frame.Length, _samples.Length - _position);
            _samples.AsSpan(_position, count).CopyTo(frame);
            frame = frame[count..];
            _position = (_position + count) % _samples.Length;
        }
    }
}
