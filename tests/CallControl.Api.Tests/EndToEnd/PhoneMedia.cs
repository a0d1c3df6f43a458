using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp.Codecs;
using CallControl.Testing;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>
/// The media end of a SIPp phone, played by the test: the loopback port the phone's SDP names. It keeps every
/// RTP packet the service sends there, and sends the service what a phone would, one packet per 20 ms: a steady
/// μ-law tone (<see cref="Play"/>), and RFC 4733 telephone-events for keys pressed (<see cref="PressAsync"/>) in
/// place of the tone while they last, on one SSRC with one timestamp clock as a real phone does.
/// </summary>
public sealed class PhoneMedia : IAsyncDisposable
{
    private const int FrameSamples = 160;
    private const int ToneFrames = 5;
    private const int EndRepeats = 3;
    private const int GapFrames = 3;
    private const string Keys = "0123456789*#ABCD";

    private readonly Socket _socket;
    private readonly Socket _rtcp;
    private readonly List<Arrival> _arrivals = [];
    private readonly Queue<(byte[] Packet, TaskCompletionSource? Done)> _events = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly uint _ssrc = (uint)Random.Shared.Next();
    private readonly Task _receiving;
    private readonly Task _sending;
    private IPEndPoint? _remote;
    private byte[]? _tone;
    private int _toneOffset;
    private ushort _sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private uint _timestamp = (uint)Random.Shared.Next();
    private long _sent;

    private PhoneMedia()
    {
        (_socket, _rtcp) = BindPair();
        _receiving = Task.Run(ReceiveAsync);
        _sending = Task.Run(SendAsync);
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>RTP packets sent to the service so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public static PhoneMedia Open() => new();

    /// <summary>Sends from now on to the service's media address for this phone's call, as its SDP offer named it.</summary>
    public void SendTo(ServiceMedia service)
    {
        lock (_gate)
        {
            _remote = service.RtpEndPoint;
        }
    }

    /// <summary>Sends a steady tone of <paramref name="frequency"/> whenever no key is being pressed.</summary>
    public void Play(double frequency)
    {
        lock (_gate)
        {
            _tone = ToneWav.MuLaw(frequency, TimeSpan.FromSeconds(1));
            _toneOffset = 0;
        }
    }

    /// <summary>Presses <paramref name="digits"/> in turn as RFC 4733 events on <paramref name="payloadType"/>; done when the last end packet has left.</summary>
    public Task PressAsync(string digits, byte payloadType)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            // Timestamps are given when each packet leaves; here each packet only knows its place in its key.
            foreach (var key in digits)
            {
                var index = Keys.IndexOf(char.ToUpperInvariant(key), StringComparison.Ordinal);
                var code = index >= 0 ? (byte)index : throw new ArgumentException($"'{key}' is not a DTMF key.", nameof(digits));
                for (var frame = 1; frame <= ToneFrames; frame++)
                {
                    _events.Enqueue((Event(code, end: false, (ushort)(frame * FrameSamples), payloadType, first: frame == 1), null));
                }

                for (var repeat = 0; repeat < EndRepeats; repeat++)
                {
                    _events.Enqueue((Event(code, end: true, ToneFrames * FrameSamples, payloadType, first: false), null));
                }

                for (var gap = 0; gap < GapFrames; gap++)
                {
                    _events.Enqueue(([], null));
                }
            }

            _events.Enqueue(([], done));
        }

        return done.Task;
    }

    /// <summary>Every RTP packet received so far, in arrival order.</summary>
    public IReadOnlyList<Arrival> Arrivals
    {
        get
        {
            lock (_arrivals)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>How many packets have arrived so far: a mark to look only at what comes after it.</summary>
    public int Mark()
    {
        lock (_arrivals)
        {
            return _arrivals.Count;
        }
    }

    /// <summary>Waits until the packets that arrived after <paramref name="mark"/> satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<Arrival>> WaitForAsync(int mark, Func<IReadOnlyList<Arrival>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + CallControlStack.Patience;
        while (true)
        {
            var since = Arrivals.Skip(mark).ToList();
            if (condition(since))
            {
                return since;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what} at media port {Port}; {since.Count} packets arrived, payload types {string.Join(",", since.Select(a => a.PayloadType).Distinct())}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the last half second of audio arriving after <paramref name="mark"/> is a tone of
    /// <paramref name="frequency"/> and none of <paramref name="others"/>: what this phone hears is that one source.
    /// </summary>
    public Task HearsAsync(int mark, double frequency, IReadOnlyList<double> others, string what) =>
        WaitForAsync(mark, since => Dominant(Audio(since, TimeSpan.FromMilliseconds(500)), frequency, others), what);

    /// <summary>Whether <paramref name="samples"/> (at least 0.4 s) carry <paramref name="frequency"/> loudly and each of <paramref name="others"/> at under a fifth of it.</summary>
    public static bool Dominant(short[] samples, double frequency, IReadOnlyList<double> others)
    {
        if (samples.Length < 3200)
        {
            return false;
        }

        var level = Amplitude(samples, frequency);
        return level > 1000 && others.All(other => Amplitude(samples, other) * 5 < level);
    }

    /// <summary>The amplitude of <paramref name="frequency"/> in <paramref name="samples"/> at 8 kHz (Goertzel).</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / 8000);
        double previous = 0, beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        var power = (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }

    /// <summary>The μ-law audio of the last <paramref name="window"/> of packets (by count at 20 ms each), decoded.</summary>
    public static short[] Audio(IReadOnlyList<Arrival> arrivals, TimeSpan window)
    {
        var audio = arrivals.Where(a => a.PayloadType == 0).TakeLast((int)(window.TotalMilliseconds / 20)).ToList();
        var samples = new short[audio.Sum(a => a.Payload.Length)];
        var offset = 0;
        foreach (var arrival in audio)
        {
            G711.DecodeMuLaw(arrival.Payload, samples.AsSpan(offset, arrival.Payload.Length));
            offset += arrival.Payload.Length;
        }

        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        _rtcp.Dispose();
        await Task.WhenAll(_receiving, _sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>
    /// An RTP port and the RTCP port above it. The service sends RTCP to the second whatever the test does with it:
    /// holding it keeps those reports from reaching some other server that happens to listen there.
    /// </summary>
    private static (Socket Rtp, Socket Rtcp) BindPair()
    {
        for (var attempt = 0; ; attempt++)
        {
            var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                var port = LoopbackPorts.Free();
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return (rtp, rtcp);
            }
            catch (SocketException)
            {
                rtp.Dispose();
                rtcp.Dispose();
                if (attempt == 50)
                {
                    throw;
                }
            }
        }
    }

    private static byte[] Event(byte code, bool end, ushort duration, byte payloadType, bool first)
    {
        var packet = new byte[12 + 4];
        packet[1] = (byte)((first ? 0x80 : 0) | payloadType);
        packet[12] = code;
        packet[13] = (byte)((end ? 0x80 : 0) | 10);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), duration);
        return packet;
    }

    private async Task SendAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        uint? eventStart = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                byte[]? packet;
                IPEndPoint? remote;
                TaskCompletionSource? done = null;
                lock (_gate)
                {
                    remote = _remote;
                    _timestamp += FrameSamples;
                    if (_events.TryDequeue(out var next))
                    {
                        done = next.Done;
                        packet = next.Packet.Length == 0 ? null : next.Packet;
                        if (packet is not null)
                        {
                            // Every packet of one key carries the timestamp of the key's start (RFC 4733 2.3.1).
                            eventStart = (packet[1] & 0x80) != 0 ? _timestamp : eventStart;
                            Header(packet, eventStart ?? _timestamp);
                        }
                    }
                    else
                    {
                        packet = _tone is { } tone ? ToneFrame(tone) : null;
                    }
                }

                if (packet is not null && remote is not null)
                {
                    await _socket.SendToAsync(packet, SocketFlags.None, remote, _stop.Token);
                    Interlocked.Increment(ref _sent);
                }

                done?.TrySetResult();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
        finally
        {
            lock (_gate)
            {
                // Keys still queued will never be pressed: nobody waits for them in vain.
                foreach (var (_, done) in _events)
                {
                    done?.TrySetCanceled();
                }

                _events.Clear();
            }
        }
    }

    private byte[] ToneFrame(byte[] tone)
    {
        var packet = new byte[12 + FrameSamples];
        packet[1] = 0;
        for (var i = 0; i < FrameSamples; i++)
        {
            packet[12 + i] = tone[(_toneOffset + i) % tone.Length];
        }

        _toneOffset = (_toneOffset + FrameSamples) % tone.Length;
        Header(packet, _timestamp);
        return packet;
    }

    /// <summary>Fills in the version, sequence number, timestamp and SSRC of a packet whose second octet is set.</summary>
    private void Header(byte[] packet, uint timestamp)
    {
        packet[0] = 0x80;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), _ssrc);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (length < 12 || buffer[0] >> 6 != 2)
                {
                    continue;
                }

                var headerLength = 12 + (4 * (buffer[0] & 0x0F));
                var arrival = new Arrival(
                    DateTime.UtcNow,
                    (byte)(buffer[1] & 0x7F),
                    (buffer[1] & 0x80) != 0,
                    BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)),
                    buffer.AsSpan(headerLength, Math.Max(0, length - headerLength)).ToArray());
                lock (_arrivals)
                {
                    _arrivals.Add(arrival);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    /// <summary>One RTP packet from the service.</summary>
    public sealed record Arrival(DateTime At, byte PayloadType, bool Marker, uint Timestamp, byte[] Payload);
}
