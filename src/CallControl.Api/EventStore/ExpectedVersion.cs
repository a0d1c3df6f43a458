using System.Globalization;

namespace CallControl.Api.EventStore;

/// <summary>What an append expects of the stream: anything, that it does not exist yet, or an exact version.</summary>
public readonly record struct ExpectedVersion
{
    private const long AnyValue = -1;

    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 for <see cref="Any"/>, 0 for <see cref="NoStream"/>, otherwise the exact version.</summary>
    public long Value { get; }

    public static ExpectedVersion Any { get; } = new(AnyValue);

    public static ExpectedVersion NoStream { get; } = new(0);

    public bool IsAny => Value == AnyValue;

    public bool IsNoStream => Value == 0;

    /// <summary>An exact version; 0 means the stream must not exist yet.</summary>
    public static ExpectedVersion Exact(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "A stream version is never negative.");

    public override string ToString() => IsAny ? "any" : IsNoStream ? "none" : Value.ToString(CultureInfo.InvariantCulture);
}
