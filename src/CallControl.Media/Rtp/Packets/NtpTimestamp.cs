namespace CallControl.Media.Rtp.Packets;

/// <summary>
/// A 64-bit NTP timestamp as RTCP carries it (RFC 3550 §4): seconds since 1900 in the high 32 bits, the
/// binary fraction of a second in the low 32.
/// </summary>
public readonly record struct NtpTimestamp(ulong Value)
{
    private static readonly DateTimeOffset _epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public uint Seconds => (uint)(Value >> 32);

    public uint Fraction => (uint)Value;

    /// <summary>
    /// The middle 32 bits (16.16 fixed point seconds): the compact form that report blocks echo as LSR and
    /// that round-trip times are computed in.
    /// </summary>
    public uint Middle32 => (uint)(Value >> 16);

    public static NtpTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        var ticks = (ulong)(time - _epoch).Ticks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var fraction = ((ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        return new NtpTimestamp((seconds << 32) | fraction);
    }
}
