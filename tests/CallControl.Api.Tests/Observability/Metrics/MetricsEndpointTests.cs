using System.Net;
using CallControl.Api.Observability.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Observability.Metrics;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task GetMetricsAnswersPrometheusTextWithWhatWasRecorded()
    {
        await using var host = await KestrelTestApp.StartAsync(
            services => services.AddCallControlMetrics(),
            app => app.MapCallControlMetrics());
        var metrics = host.App.Services.GetRequiredService<CallControlMetrics>();
        metrics.CommandCompleted("AcceptOffer", "accepted", TimeSpan.FromMilliseconds(12));
        metrics.SipTransactionCompleted("BYE", 200);
        using var calls = metrics.ReportActiveCalls(() => 5);

        using var response = await host.Client.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        var text = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());
        text.Value("callcontrol_commands_total", ("command", "AcceptOffer"), ("outcome", "accepted")).ShouldBe(1);
        text.Value("callcontrol_command_duration_seconds_count", ("command", "AcceptOffer")).ShouldBe(1);
        text.Value("callcontrol_sip_transactions_total", ("method", "BYE"), ("status", "200")).ShouldBe(1);
        text.Value("callcontrol_active_calls").ShouldBe(5);
        string[] families =
        [
            "callcontrol_commands_total", "callcontrol_command_duration_seconds", "callcontrol_events_appended_total",
            "callcontrol_subscription_lag_seconds", "callcontrol_webhook_deliveries_total", "callcontrol_active_calls",
            "callcontrol_sip_transactions_total", "process_cpu_seconds_total", "process_resident_memory_bytes",
            "process_start_time_seconds", "dotnet_collection_count_total",
        ];
        foreach (var family in families)
        {
            text.TypeOf(family).ShouldNotBeNull(family);
        }
    }
}
