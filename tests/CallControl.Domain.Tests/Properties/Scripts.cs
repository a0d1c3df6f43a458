using FsCheck;
using FsCheck.Fluent;

namespace CallControl.Domain.Tests.Properties;

/// <summary>Scripts for <see cref="Simulation"/>: one seed per step, shrunk by dropping steps.</summary>
internal static class Scripts
{
    public static Config Config { get; } = Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(120);

    public static Arbitrary<int[]> Arbitrary { get; } = Arb.From(Gen.ArrayOf(Gen.Choose(0, int.MaxValue)), Shrink);

    private static IEnumerable<int[]> Shrink(int[] script)
    {
        if (script.Length == 0)
        {
            yield break;
        }

        yield return script[..(script.Length / 2)];
        for (var i = script.Length - 1; i >= 0; i--)
        {
            yield return [.. script[..i], .. script[(i + 1)..]];
        }
    }
}
