using CallControl.Media.Rtp.Clock;

namespace CallControl.Media.Tests.Rtp.Clock;

internal sealed class RecordingSubscriber : IMediaClockSubscriber
{
    private readonly List<MediaTick> _ticks = [];

    public IReadOnlyList<MediaTick> Ticks
    {
        get
        {
            lock (_ticks)
            {
                return [.. _ticks];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_ticks)
            {
                return _ticks.Count;
            }
        }
    }

    public void OnTick(MediaTick tick)
    {
        lock (_ticks)
        {
            _ticks.Add(tick);
        }
    }
}
