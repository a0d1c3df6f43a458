using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CallControl.Bench.Rtp.Probe;

/// <summary>One datagram as <see cref="LinuxUdp.Receive"/> read it.</summary>
/// <param name="Length">Bytes copied into the caller's buffer; 0 when nothing was waiting.</param>
/// <param name="ArrivedTicks">
/// When the kernel queued it on the socket (<c>SO_TIMESTAMPNS</c>), in <see cref="DateTime"/> ticks of UTC;
/// 0 when the kernel gave no timestamp.
/// </param>
/// <param name="Overflows">The socket's count of datagrams dropped for a full receive queue (<c>SO_RXQ_OVFL</c>), or -1 when not given.</param>
/// <param name="Source">The sender, when asked for.</param>
internal readonly record struct LinuxDatagram(int Length, long ArrivedTicks, long Overflows, IPEndPoint? Source);

/// <summary>
/// The few Linux socket calls .NET does not expose and the probe needs: a kernel receive timestamp and the
/// overflow count with each datagram (<c>recvmsg</c> control messages), and one <c>epoll</c> set over many
/// sockets served by one thread.
/// </summary>
/// <remarks>
/// The kernel timestamp is taken when the datagram is queued on the probe's socket, which on loopback is
/// inside the sender's <c>sendto</c>: the probe's own scheduling delays therefore never show in what it
/// measures. Structure layouts are those of x86-64 Linux (<c>epoll_event</c> is packed there).
/// </remarks>
internal sealed class LinuxUdp : IDisposable
{
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35;
    private const int SoRxqOvfl = 40;
    private const int SoRcvBufForce = 33;
    private const int MsgDontWait = 0x40;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const int Eintr = 4;
    private const int ControlBytes = 128;
    private const int NameBytes = 128;
    private const int AfInet = 2;

    // struct mmsghdr on x86-64: msghdr (56 bytes) and msg_len, padded to 64.
    private const int BatchHeaderBytes = 64;
    private const int IoVectorBytes = 16;

    /// <summary>Datagrams one <see cref="ReceiveBatch"/> reads at most.</summary>
    public const int BatchSize = 64;

    /// <summary>Bytes of each datagram <see cref="ReceiveBatch"/> keeps: the rest is cut off by the kernel.</summary>
    public const int HeadBytes = 32;

    private readonly int _epoll;
    private readonly nint _iov;
    private readonly nint _control;
    private readonly nint _name;
    private readonly EpollEvent[] _ready;
    private readonly nint _batchHeaders;
    private readonly nint _batchIov;
    private readonly nint _batchHeads;
    private readonly nint _batchControl;
    private nint _data;
    private int _dataCapacity;

    public LinuxUdp(int maxEvents)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The RTP probe reads kernel timestamps with x86-64 Linux system calls.");
        }

        _epoll = epoll_create1(0);
        if (_epoll < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        _iov = Marshal.AllocHGlobal(Marshal.SizeOf<IoVector>());
        _control = Marshal.AllocHGlobal(ControlBytes);
        _name = Marshal.AllocHGlobal(NameBytes);
        _ready = new EpollEvent[maxEvents];
        _batchHeaders = Marshal.AllocHGlobal(BatchSize * BatchHeaderBytes);
        _batchIov = Marshal.AllocHGlobal(BatchSize * IoVectorBytes);
        _batchHeads = Marshal.AllocHGlobal(BatchSize * HeadBytes);
        _batchControl = Marshal.AllocHGlobal(BatchSize * ControlBytes);
    }

    /// <summary>Asks the kernel to timestamp every datagram of <paramref name="socket"/> and to report its receive-queue overflows.</summary>
    public static void EnableTimestamps(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));
        socket.SetRawSocketOption(SolSocket, SoRxqOvfl, BitConverter.GetBytes(1));
    }

    /// <summary>Watches <paramref name="socket"/> for datagrams; <see cref="Wait"/> hands back <paramref name="token"/> when one waits.</summary>
    public void Watch(Socket socket, ulong token)
    {
        var change = new EpollEvent { Events = EpollIn, Data = token };
        if (epoll_ctl(_epoll, EpollCtlAdd, (int)socket.Handle, ref change) != 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
    }

    public void Unwatch(Socket socket)
    {
        var change = default(EpollEvent);
        _ = epoll_ctl(_epoll, EpollCtlDel, (int)socket.Handle, ref change);
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for watched sockets with a datagram waiting and writes
    /// their tokens to <paramref name="tokens"/>; the number written. Level-triggered: a socket with more than
    /// one datagram waiting comes back on the next wait.
    /// </summary>
    public int Wait(Span<ulong> tokens, int timeoutMilliseconds)
    {
        var count = epoll_wait(_epoll, _ready, Math.Min(_ready.Length, tokens.Length), timeoutMilliseconds);
        if (count < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error == Eintr ? 0 : throw new SocketException(error);
        }

        for (var index = 0; index < count; index++)
        {
            tokens[index] = _ready[index].Data;
        }

        return count;
    }

    /// <summary>Reads one waiting datagram of <paramref name="socket"/> without blocking, with its kernel timestamp.</summary>
    public LinuxDatagram Receive(Socket socket, byte[] buffer, bool withSource = false)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (_dataCapacity < buffer.Length)
        {
            Marshal.FreeHGlobal(_data);
            _data = Marshal.AllocHGlobal(buffer.Length);
            _dataCapacity = buffer.Length;
        }

        Marshal.StructureToPtr(new IoVector { Base = _data, Length = (nuint)buffer.Length }, _iov, fDeleteOld: false);
        var header = new MessageHeader
        {
            Name = withSource ? _name : 0,
            NameLength = withSource ? NameBytes : 0u,
            Iov = _iov,
            IovLength = 1,
            Control = _control,
            ControlLength = ControlBytes,
        };
        var length = recvmsg((int)socket.Handle, ref header, MsgDontWait);
        if (length <= 0)
        {
            return default;
        }

        var copied = (int)Math.Min(length, buffer.Length);
        Marshal.Copy(_data, buffer, 0, copied);
        var (arrived, overflows) = ReadControl(_control, (long)header.ControlLength);
        return new LinuxDatagram(copied, arrived, overflows, withSource ? ReadSource() : null);
    }

    /// <summary>
    /// Reads up to <see cref="BatchSize"/> waiting datagrams of <paramref name="socket"/> in one call
    /// (<c>recvmmsg</c>) without blocking: the first <see cref="HeadBytes"/> of datagram <c>i</c> go to
    /// <paramref name="heads"/> from <c>i × HeadBytes</c>, its length and kernel timestamp to
    /// <paramref name="datagrams"/>. The number read; 0 when none was waiting.
    /// </summary>
    public int ReceiveBatch(Socket socket, LinuxDatagram[] datagrams, byte[] heads)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(datagrams);
        ArgumentNullException.ThrowIfNull(heads);
        var capacity = Math.Min(BatchSize, Math.Min(datagrams.Length, heads.Length / HeadBytes));
        for (var index = 0; index < capacity; index++)
        {
            var iov = _batchIov + (index * IoVectorBytes);
            Marshal.WriteIntPtr(iov, _batchHeads + (index * HeadBytes));
            Marshal.WriteInt64(iov, 8, HeadBytes);
            var header = _batchHeaders + (index * BatchHeaderBytes);
            Marshal.WriteIntPtr(header, 0);
            Marshal.WriteInt64(header, 8, 0);
            Marshal.WriteIntPtr(header, 16, iov);
            Marshal.WriteInt64(header, 24, 1);
            Marshal.WriteIntPtr(header, 32, _batchControl + (index * ControlBytes));
            Marshal.WriteInt64(header, 40, ControlBytes);
            Marshal.WriteInt64(header, 48, 0);
            Marshal.WriteInt64(header, 56, 0);
        }

        var count = recvmmsg((int)socket.Handle, _batchHeaders, (uint)capacity, MsgDontWait, 0);
        if (count <= 0)
        {
            return 0;
        }

        Marshal.Copy(_batchHeads, heads, 0, count * HeadBytes);
        for (var index = 0; index < count; index++)
        {
            var header = _batchHeaders + (index * BatchHeaderBytes);
            var length = Marshal.ReadInt32(header, 56);
            var (arrived, overflows) = ReadControl(_batchControl + (index * ControlBytes), Marshal.ReadInt64(header, 40));
            datagrams[index] = new LinuxDatagram(Math.Min(length, HeadBytes), arrived, overflows, null);
        }

        return count;
    }

    /// <summary>Sets the receive buffer beyond the system's maximum when allowed (as root), else as far as it goes.</summary>
    public static void SetLargeReceiveBuffer(Socket socket, int bytes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
        }
        catch (SocketException)
        {
            socket.ReceiveBufferSize = bytes;
        }
    }

    public void Dispose()
    {
        _ = close(_epoll);
        Marshal.FreeHGlobal(_batchHeaders);
        Marshal.FreeHGlobal(_batchIov);
        Marshal.FreeHGlobal(_batchHeads);
        Marshal.FreeHGlobal(_batchControl);
        Marshal.FreeHGlobal(_iov);
        Marshal.FreeHGlobal(_control);
        Marshal.FreeHGlobal(_name);
        Marshal.FreeHGlobal(_data);
    }

    private static (long ArrivedTicks, long Overflows) ReadControl(nint control, long length)
    {
        long arrived = 0;
        long overflows = -1;
        var offset = 0;
        // struct cmsghdr on 64-bit Linux: size_t len, int level, int type, then the data at 16, each aligned to 8.
        while (offset + 16 <= length)
        {
            var messageLength = Marshal.ReadInt64(control, offset);
            var level = Marshal.ReadInt32(control, offset + 8);
            var type = Marshal.ReadInt32(control, offset + 12);
            if (messageLength < 16)
            {
                break;
            }

            if (level == SolSocket && type == SoTimestampNs)
            {
                var seconds = Marshal.ReadInt64(control, offset + 16);
                var nanoseconds = Marshal.ReadInt64(control, offset + 24);
                arrived = DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100);
            }
            else if (level == SolSocket && type == SoRxqOvfl)
            {
                overflows = (uint)Marshal.ReadInt32(control, offset + 16);
            }

            offset += (int)((messageLength + 7) & ~7L);
        }

        return (arrived, overflows);
    }

    private IPEndPoint? ReadSource()
    {
        // struct sockaddr_in: family (host order), port (network order), IPv4 address.
        if (Marshal.ReadInt16(_name) != AfInet)
        {
            return null;
        }

        var port = (ushort)IPAddress.NetworkToHostOrder(Marshal.ReadInt16(_name, 2));
        var address = new IPAddress((uint)Marshal.ReadInt32(_name, 4) & 0xFFFFFFFFL);
        return new IPEndPoint(address, port);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epfd, int op, int fd, ref EpollEvent change);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recvmsg(int sockfd, ref MessageHeader message, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int recvmmsg(int sockfd, nint messages, uint length, int flags, nint timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }
}
