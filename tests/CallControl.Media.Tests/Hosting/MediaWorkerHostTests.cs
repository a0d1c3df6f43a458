using CallControl.Media.Hosting;
using CallControl.Testing;

namespace CallControl.Media.Tests.Hosting;

public sealed class MediaWorkerHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheWorkerStartsWithItsSettingsAndStopsCleanlyOnInterrupt()
    {
        await using var worker = ServiceProcess.Start("CallControl.Media", new Dictionary<string, string?>
        {
            ["Media__WorkerId"] = "media-test-1",
            ["Media__SipAddress"] = "127.0.0.1:25060",
        });

        await worker.WaitForOutputAsync("Media worker media-test-1 started; SIP address 127.0.0.1:25060", Patience);
        (await worker.InterruptAsync(Patience)).ShouldBe(0);
        worker.Output.ShouldContain("Media worker media-test-1 stopped");
    }

    [Fact]
    public async Task ABadSettingStopsTheWorkerWithItsReason()
    {
        await using var worker = ServiceProcess.Start("CallControl.Media", new Dictionary<string, string?>
        {
            ["Media__MediaPortRange"] = "30001-20000",
        });

        (await worker.WaitForExitAsync(Patience)).ShouldNotBe(0);
        worker.Output.ShouldContain("Media:MediaPortRange '30001-20000' is not 'low-high'");
    }

    [Theory]
    [InlineData("127.0.0.1:5060", "20000-29999", 0)]
    [InlineData("[::1]:5060", "20000-20001", 0)]
    [InlineData("127.0.0.1", "20000-29999", 1)]
    [InlineData("localhost:5060", "20000-29999", 1)]
    [InlineData("127.0.0.1:5060", "20001-29999", 1)]
    [InlineData("127.0.0.1:5060", "80-90", 1)]
    [InlineData("127.0.0.1:5060", "nonsense", 1)]
    public void SettingsAreCheckedOneByOne(string sipAddress, string portRange, int errors) =>
        new MediaWorkerOptions { SipAddress = sipAddress, MediaPortRange = portRange }.Validate().Count.ShouldBe(errors);
}
