using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

/// <summary>A participant has at most one SIP leg, and that leg is addressed by this same id.</summary>
[JsonConverter(typeof(ParticipantIdJsonConverter))]
public readonly record struct ParticipantId(string Value)
{
    public override string ToString() => Value;
}

public sealed class ParticipantIdJsonConverter : StringIdJsonConverter<ParticipantId>
{
    protected override ParticipantId Wrap(string value) => new(value);

    protected override string Unwrap(ParticipantId id) => id.Value;
}
