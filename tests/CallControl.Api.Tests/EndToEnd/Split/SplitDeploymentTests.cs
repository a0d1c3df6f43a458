using Xunit.Abstractions;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>
/// A test class on the split deployment: its own stack, and the processes' and the broker's logs written with
/// each test's result, to tell what happened when it failed.
/// </summary>
public abstract class SplitDeploymentTests : IClassFixture<SplitDeploymentStack>, IDisposable
{
    private readonly ITestOutputHelper _output;

    protected SplitDeploymentTests(SplitDeploymentStack stack, ITestOutputHelper output)
    {
        Stack = stack;
        _output = output;
    }

    protected SplitDeploymentStack Stack { get; }

    public void Dispose()
    {
        _output.WriteLine(Stack.Logs());
        GC.SuppressFinalize(this);
    }
}
