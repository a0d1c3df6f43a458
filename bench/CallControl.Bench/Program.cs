using CallControl.Bench.Api;
using CallControl.Bench.EndToEnd;
using CallControl.Bench.EventStore;
using CallControl.Bench.Rtp;
using CallControl.Bench.Rtp.Probe;
using CallControl.Bench.Sip;
using CallControl.Bench.Webhooks;

// Benchmarks print their figures; the last line of each is the one the issue tracker quotes.
return args.FirstOrDefault() switch
{
    "eventstore" => await EventStoreBenchmark.RunAsync(),
    "api" => await ApiBenchmark.RunAsync(),
    "webhooks" => await WebhookBenchmark.RunAsync(args.Length > 1 && int.TryParse(args[1], out var rate) && rate > 0 ? rate : WebhookBenchmark.DefaultCommandRate),
    "sip" => await SipBenchmark.RunAsync(),
    "e2e" => await EndToEndBenchmark.RunAsync(),
    "rtp" => await RtpBenchmark.RunAsync([.. args.Skip(1).Select(level => int.TryParse(level, out var calls) && calls > 0 ? calls : 0)]),
    RtpProbe.Command => RtpProbe.Run(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/CallControl.Bench -- <benchmark>");
    Console.Error.WriteLine("  eventstore   appends vs pgbench-equivalent SQL, and subscription catch-up");
    Console.Error.WriteLine("  api          hold/resume/mute commands over HTTP vs a trivial endpoint of the same host");
    Console.Error.WriteLine("  webhooks [commands/s]  conversationUpdate deliveries to 10 loopback receivers: rate, latency, loss, order");
    Console.Error.WriteLine("  sip          the SIP stack as a B2BUA between two SIPp instances: highest call rate with 0 failures, INVITE-to-provisional p99");
    Console.Error.WriteLine("  e2e          50 click-to-dial calls to SIPp phones through API and worker, each held and resumed 20 times with Prefer: wait");
    Console.Error.WriteLine("  rtp [calls…] the media engine as a B2BUA with RTP at 100-800 bridged calls: worker cpu, loss, added jitter, allocations");
    return 2;
}
