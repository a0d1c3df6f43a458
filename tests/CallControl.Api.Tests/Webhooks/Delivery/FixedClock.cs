namespace CallControl.Api.Tests.Webhooks.Delivery;

/// <summary>A clock that reads what the test set, in unix seconds.</summary>
internal sealed class FixedClock(long unixSeconds) : TimeProvider
{
    public long UnixSeconds { get; set; } = unixSeconds;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(UnixSeconds);
}
