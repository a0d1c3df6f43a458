using CallControl.Api.Media;
using CallControl.Domain.Media;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Tests.Media;

/// <summary>Who is alive, on a clock of the test's: a worker's silence counts only while heartbeats can be heard.</summary>
public sealed class MediaWorkerRegistryTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly SteppedClock _clock = new(Start);
    private readonly MediaWorkerRegistry _registry;

    public MediaWorkerRegistryTests() =>
        _registry = new MediaWorkerRegistry(_clock, Options.Create(new MediaWorkersOptions { HeartbeatTimeoutSeconds = 10 }));

    [Fact]
    public void AWorkerSilentPastTheTimeoutIsDeadAndNotPicked()
    {
        Beat("w1");
        _clock.Advance(TimeSpan.FromSeconds(10));
        _registry.Pick().ShouldBe("w1");

        _clock.Advance(TimeSpan.FromSeconds(1));

        _registry.SilenceOf("w1").ShouldBe(TimeSpan.FromSeconds(11));
        _registry.Alive().ShouldBeEmpty();
        _registry.Pick().ShouldBeNull();
    }

    [Fact]
    public void WhileHeartbeatsCannotBeHeardTheWorkersAliveThenStayAliveAndPicked()
    {
        Beat("w1");
        _clock.Advance(TimeSpan.FromSeconds(3));

        _registry.Deaf();
        _clock.Advance(TimeSpan.FromSeconds(45));

        _registry.IsHearing.ShouldBeFalse();
        _registry.SilenceOf("w1").ShouldBe(TimeSpan.FromSeconds(3));
        _registry.Pick().ShouldBe("w1");
    }

    [Fact]
    public void OnceHeartbeatsAreHeardAgainSilenceGoesOnFromWhereItStopped()
    {
        Beat("w1");
        _clock.Advance(TimeSpan.FromSeconds(3));
        _registry.Deaf();
        _clock.Advance(TimeSpan.FromSeconds(45));

        _registry.Hearing();
        _clock.Advance(TimeSpan.FromSeconds(7));
        _registry.IsHearing.ShouldBeTrue();
        _registry.SilenceOf("w1").ShouldBe(TimeSpan.FromSeconds(10));
        _registry.Pick().ShouldBe("w1");

        _clock.Advance(TimeSpan.FromSeconds(1));
        _registry.Pick().ShouldBeNull();
    }

    [Fact]
    public void AnOutageDoesNotReviveAWorkerThatWasDeadBeforeIt()
    {
        Beat("w1");
        _clock.Advance(TimeSpan.FromSeconds(30));
        _registry.Deaf();
        _clock.Advance(TimeSpan.FromSeconds(60));
        _registry.Pick().ShouldBeNull();

        _registry.Hearing();

        _registry.Pick().ShouldBeNull();
        _registry.SilenceOf("w1").ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void AWorkerNeverHeardIsSilentSinceTheInstanceStartedLessTheTimeItCouldNotHear()
    {
        _clock.Advance(TimeSpan.FromSeconds(4));
        _registry.Deaf();
        _registry.Deaf(); // a second report of the same outage changes nothing
        _clock.Advance(TimeSpan.FromSeconds(20));
        _registry.Hearing();
        _clock.Advance(TimeSpan.FromSeconds(2));

        _registry.SilenceOf("never-heard").ShouldBe(TimeSpan.FromSeconds(6));
    }

    private void Beat(string workerId) =>
        _registry.Beat(new MediaWorkerHeartbeat(workerId, "127.0.0.1:5060", 0, Start, Start.AddYears(-1)));

    /// <summary>A clock that stands still until the test moves it.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
