using CallControl.Media.Calls.Engine;

namespace CallControl.Media.Hosting;

/// <summary>
/// The worker's media engine once <see cref="MediaWorkerService"/> started it. The bus may start before the
/// worker does and deliver a command early: its consumer waits on <see cref="Started"/>.
/// </summary>
public sealed class MediaEngineHolder
{
    private readonly TaskCompletionSource<MediaEngine> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the engine once it runs.</summary>
    public Task<MediaEngine> Started => _started.Task;

    internal void SetStarted(MediaEngine engine) => _started.TrySetResult(engine);
}
