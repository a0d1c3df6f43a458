using System.Diagnostics.Metrics;
using CallControl.Api.Observability.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Observability.Metrics;

public sealed class PrometheusExpositionTests : IDisposable
{
    private static readonly string[] ContractFamilies =
    [
        "callcontrol_commands_total",
        "callcontrol_command_duration_seconds",
        "callcontrol_events_appended_total",
        "callcontrol_subscription_lag_seconds",
        "callcontrol_webhook_deliveries_total",
        "callcontrol_active_calls",
        "callcontrol_sip_transactions_total",
    ];

    private readonly ServiceProvider _services;
    private readonly PrometheusExposition _exposition;

    public PrometheusExpositionTests()
    {
        _services = new ServiceCollection().AddCallControlMetrics().BuildServiceProvider();

        // As the host does when it maps /metrics: listening starts before anything records.
        _exposition = _services.GetRequiredService<PrometheusExposition>();
        Metrics = _services.GetRequiredService<CallControlMetrics>();
    }

    private CallControlMetrics Metrics { get; }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void CommandsAreCountedByTypeAndOutcome()
    {
        Metrics.CommandCompleted("HoldParticipant", "accepted", TimeSpan.FromMilliseconds(3));
        Metrics.CommandCompleted("HoldParticipant", "accepted", TimeSpan.FromMilliseconds(4));
        Metrics.CommandCompleted("HoldParticipant", "invalid-state", TimeSpan.FromMilliseconds(1));
        Metrics.CommandCompleted("EndConversation", "accepted", TimeSpan.FromMilliseconds(2));

        var text = Scrape();

        text.TypeOf("callcontrol_commands_total").ShouldBe("counter");
        text.Value("callcontrol_commands_total", ("command", "HoldParticipant"), ("outcome", "accepted")).ShouldBe(2);
        text.Value("callcontrol_commands_total", ("command", "HoldParticipant"), ("outcome", "invalid-state")).ShouldBe(1);
        text.Value("callcontrol_commands_total", ("command", "EndConversation"), ("outcome", "accepted")).ShouldBe(1);
        text.All("callcontrol_commands_total").Count.ShouldBe(3);
    }

    [Fact]
    public void LatencyBucketsAreInclusiveCumulativeAndEndWithInfEqualToTheCount()
    {
        double[] latencies = [0.0005, 0.001, 0.003, 0.003, 0.1, 2, 20];
        foreach (var seconds in latencies)
        {
            Metrics.CommandCompleted("HoldParticipant", "accepted", TimeSpan.FromSeconds(seconds));
        }

        var text = Scrape();

        text.TypeOf("callcontrol_command_duration_seconds").ShouldBe("histogram");
        var buckets = text.All("callcontrol_command_duration_seconds_bucket");
        buckets.Select(bucket => bucket.Labels["le"]).ShouldBe(
            ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]);
        buckets.ShouldAllBe(bucket => bucket.Labels["command"] == "HoldParticipant" && bucket.Labels.Count == 2);
        buckets.Select(bucket => bucket.Value).ShouldBe([2, 2, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7]);
        for (var i = 1; i < buckets.Count; i++)
        {
            buckets[i].Value.ShouldBeGreaterThanOrEqualTo(buckets[i - 1].Value);
        }

        var count = text.Value("callcontrol_command_duration_seconds_count", ("command", "HoldParticipant"));
        count.ShouldBe(7);
        buckets[^1].Value.ShouldBe(count);
        text.Value("callcontrol_command_duration_seconds_sum", ("command", "HoldParticipant")).ShouldBe(latencies.Sum(), 1e-9);
    }

    [Fact]
    public void LabelValuesAreEscapedAndReadBackUnchanged()
    {
        const string streamType = "a\"b\\c\nd";

        Metrics.EventsAppended(3, streamType);
        Metrics.EventsAppended(2, streamType);
        var raw = _exposition.Collect();

        raw.ShouldContain("callcontrol_events_appended_total{stream_type=\"a\\\"b\\\\c\\nd\"} 5\n");
        PrometheusTextParser.Parse(raw).Value("callcontrol_events_appended_total", ("stream_type", streamType)).ShouldBe(5);
    }

    [Fact]
    public void EveryFamilyHasOneHelpAndOneTypeLineBeforeItsSamples()
    {
        Metrics.CommandCompleted("MuteParticipant", "accepted", TimeSpan.FromMilliseconds(5));
        Metrics.EventsAppended(1, "conversation");
        Metrics.WebhookDeliveryCompleted("delivered");
        Metrics.SipTransactionCompleted("INVITE", 200);
        using var lag = Metrics.ReportSubscriptionLag("webhooks", () => 0.25);
        using var calls = Metrics.ReportActiveCalls(() => 2);
        var raw = _exposition.Collect();
        var text = PrometheusTextParser.Parse(raw);

        foreach (var family in ContractFamilies)
        {
            text.FamilyLines.Count(line => line.Kind == "HELP" && line.Family == family).ShouldBe(1, family);
            text.FamilyLines.Count(line => line.Kind == "TYPE" && line.Family == family).ShouldBe(1, family);
        }

        text.FamilyLines.GroupBy(line => (line.Kind, line.Family)).ShouldAllBe(lines => lines.Count() == 1);
        var current = string.Empty;
        foreach (var line in raw.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                current = line.Split(' ')[2];
            }
            else if (!line.StartsWith('#'))
            {
                var name = line.Split('{', ' ')[0];
                (name == current || name == current + "_bucket" || name == current + "_sum" || name == current + "_count")
                    .ShouldBeTrue($"{name} is written under the TYPE line of {current}");
            }
        }

        var families = text.FamilyLines.Where(line => line.Kind == "TYPE").Select(line => line.Family).ToList();
        families.ShouldBe(families.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void SipTransactionsAndWebhookDeliveriesAreCountedByTheirLabels()
    {
        Metrics.SipTransactionCompleted("INVITE", 200);
        Metrics.SipTransactionCompleted("INVITE", 200);
        Metrics.SipTransactionCompleted("BYE", 481);
        Metrics.SipTransactionCompleted("OPTIONS", 42);
        Metrics.WebhookDeliveryCompleted("delivered");
        Metrics.WebhookDeliveryCompleted("failed");
        Metrics.WebhookDeliveryCompleted("delivered");

        var text = Scrape();

        text.Value("callcontrol_sip_transactions_total", ("method", "INVITE"), ("status", "200")).ShouldBe(2);
        text.Value("callcontrol_sip_transactions_total", ("method", "BYE"), ("status", "481")).ShouldBe(1);
        text.Value("callcontrol_sip_transactions_total", ("method", "OPTIONS"), ("status", "42")).ShouldBe(1);
        text.Value("callcontrol_webhook_deliveries_total", ("outcome", "delivered")).ShouldBe(2);
        text.Value("callcontrol_webhook_deliveries_total", ("outcome", "failed")).ShouldBe(1);
    }

    [Fact]
    public void SubscriptionLagIsReadOnEveryScrapeUntilTheRegistrationIsDisposed()
    {
        var lag = 1.5;
        var projections = Metrics.ReportSubscriptionLag("projections", () => lag);
        using var unknown = Metrics.ReportSubscriptionLag("webhooks", () => double.NaN);
        using var broken = Metrics.ReportSubscriptionLag("broken", () => throw new InvalidOperationException("store gone"));

        var first = Scrape();
        lag = 0.5;
        var second = Scrape();
        projections.Dispose();
        var third = Scrape();

        first.TypeOf("callcontrol_subscription_lag_seconds").ShouldBe("gauge");
        first.Value("callcontrol_subscription_lag_seconds", ("subscription", "projections")).ShouldBe(1.5);
        double.IsNaN(first.Value("callcontrol_subscription_lag_seconds", ("subscription", "webhooks"))).ShouldBeTrue();
        first.All("callcontrol_subscription_lag_seconds").ShouldNotContain(sample => sample.Labels["subscription"] == "broken");
        second.Value("callcontrol_subscription_lag_seconds", ("subscription", "projections")).ShouldBe(0.5);
        third.All("callcontrol_subscription_lag_seconds").Select(sample => sample.Labels["subscription"]).ShouldBe(["webhooks"]);
    }

    [Fact]
    public void DisposingAReplacedLagRegistrationKeepsTheNewerOne()
    {
        var older = Metrics.ReportSubscriptionLag("projections", () => 9);
        using var newer = Metrics.ReportSubscriptionLag("projections", () => 1);

        older.Dispose();

        Scrape().Value("callcontrol_subscription_lag_seconds", ("subscription", "projections")).ShouldBe(1);
    }

    [Fact]
    public void ActiveCallsSumEverySourceAndVanishWhenNoneIsLeft()
    {
        var none = Scrape();
        var first = Metrics.ReportActiveCalls(() => 3);
        var second = Metrics.ReportActiveCalls(() => 4);

        var both = Scrape();
        first.Dispose();
        var one = Scrape();
        second.Dispose();
        var gone = Scrape();

        none.TypeOf("callcontrol_active_calls").ShouldBe("gauge");
        none.All("callcontrol_active_calls").ShouldBeEmpty();
        both.Value("callcontrol_active_calls").ShouldBe(7);
        one.Value("callcontrol_active_calls").ShouldBe(4);
        gone.All("callcontrol_active_calls").ShouldBeEmpty();
    }

    [Fact]
    public void ConcurrentRecordingLosesNoIncrement()
    {
        const int Threads = 8;
        const int PerThread = 20_000;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                Metrics.CommandCompleted(i % 2 == 0 ? "HoldParticipant" : "ResumeParticipant", "accepted", TimeSpan.FromMilliseconds(2));
            }
        });

        var text = Scrape();
        text.Value("callcontrol_commands_total", ("command", "HoldParticipant"), ("outcome", "accepted")).ShouldBe(Threads * PerThread / 2);
        text.Value("callcontrol_commands_total", ("command", "ResumeParticipant"), ("outcome", "accepted")).ShouldBe(Threads * PerThread / 2);
        text.Value("callcontrol_command_duration_seconds_count", ("command", "HoldParticipant")).ShouldBe(Threads * PerThread / 2);
        text.Value("callcontrol_command_duration_seconds_sum", ("command", "HoldParticipant")).ShouldBe(Threads * PerThread / 2 * 0.002, 1e-6);
    }

    [Fact]
    public void RecordingIntoExistingSeriesAllocatesNothing()
    {
        const int Operations = 20_000;
        for (var i = 0; i < Operations; i++)
        {
            RecordOneOfEach();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Operations; i++)
        {
            RecordOneOfEach();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A single object per operation would be hundreds of kilobytes; the allowance covers runtime housekeeping.
        allocated.ShouldBeLessThan(Operations / 2);
        Scrape().Value("callcontrol_commands_total", ("command", "HoldParticipant"), ("outcome", "accepted")).ShouldBe(2 * Operations);
    }

    [Fact]
    public void TagOrderDoesNotSplitASeriesAndLabelNamesAreSanitized()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(CallControlMetrics.MeterName);
        var counter = meter.CreateCounter<int>("callcontrol.test.orders");

        counter.Add(1, new KeyValuePair<string, object?>("b.name", "x"), new KeyValuePair<string, object?>("a", 7));
        counter.Add(2, new KeyValuePair<string, object?>("a", 7), new KeyValuePair<string, object?>("b.name", "x"));
        counter.Add(-5, new KeyValuePair<string, object?>("a", 7), new KeyValuePair<string, object?>("b.name", "x"));
        var raw = _exposition.Collect();

        raw.ShouldContain("callcontrol_test_orders_total{a=\"7\",b_name=\"x\"} 3\n");
        PrometheusTextParser.Parse(raw).TypeOf("callcontrol_test_orders_total").ShouldBe("counter");
    }

    [Fact]
    public void MetersWithOtherNamesAreNotExposed()
    {
        using var other = new Meter("CallControl.Elsewhere");
        other.CreateCounter<long>("elsewhere_requests_total").Add(1);

        Scrape().FamilyLines.ShouldNotContain(line => line.Family.StartsWith("elsewhere", StringComparison.Ordinal));
    }

    [Fact]
    public void AnotherContainersMeasurementsStayOutOfThisExposition()
    {
        using var otherServices = new ServiceCollection().AddCallControlMetrics().BuildServiceProvider();
        var otherMetrics = otherServices.GetRequiredService<CallControlMetrics>();

        otherMetrics.WebhookDeliveryCompleted("dead");
        Metrics.WebhookDeliveryCompleted("delivered");

        var text = Scrape();
        text.Value("callcontrol_webhook_deliveries_total", ("outcome", "delivered")).ShouldBe(1);
        text.All("callcontrol_webhook_deliveries_total").Count.ShouldBe(1);
    }

    [Fact]
    public void AFailingObservableInstrumentCostsOnlyItsOwnSeries()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(CallControlMetrics.MeterName);
        meter.CreateObservableGauge("callcontrol_test_broken", new Func<double>(() => throw new InvalidOperationException("broken source")));
        Metrics.EventsAppended(4, "agent");

        var text = Scrape();

        text.All("callcontrol_test_broken").ShouldBeEmpty();
        text.Value("callcontrol_events_appended_total", ("stream_type", "agent")).ShouldBe(4);
        text.Value("process_resident_memory_bytes").ShouldBeGreaterThan(0);
    }

    [Fact]
    public void ProcessFiguresAreExposedUnderTheirUsualNames()
    {
        // The heap size is the one measured by the last collection; make sure there was one.
        GC.Collect();

        var text = Scrape();

        text.TypeOf("process_cpu_seconds_total").ShouldBe("counter");
        text.Value("process_cpu_seconds_total").ShouldBeGreaterThan(0);
        text.TypeOf("process_resident_memory_bytes").ShouldBe("gauge");
        text.Value("process_resident_memory_bytes").ShouldBeGreaterThan(1024 * 1024);
        var started = DateTimeOffset.FromUnixTimeMilliseconds((long)(text.Value("process_start_time_seconds") * 1000));
        started.ShouldBeInRange(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow);
        text.TypeOf("dotnet_collection_count_total").ShouldBe("counter");
        text.All("dotnet_collection_count_total").Select(sample => sample.Labels["generation"]).ShouldBe(["0", "1", "2"]);
        text.Value("dotnet_gc_heap_size_bytes").ShouldBeGreaterThan(0);
        text.TypeOf("dotnet_gc_allocated_bytes_total").ShouldBe("counter");
        text.Value("dotnet_gc_allocated_bytes_total").ShouldBeGreaterThan(0);
    }

    private void RecordOneOfEach()
    {
        Metrics.CommandCompleted("HoldParticipant", "accepted", TimeSpan.FromMilliseconds(3));
        Metrics.EventsAppended(2, "conversation");
        Metrics.SipTransactionCompleted("INVITE", 200);
        Metrics.WebhookDeliveryCompleted("delivered");
    }

    private PrometheusTextParser Scrape() =>
        PrometheusTextParser.Parse(_exposition.Collect());
}
