using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(ConversationIdJsonConverter))]
public readonly record struct ConversationId(string Value)
{
    public override string ToString() => Value;
}

public sealed class ConversationIdJsonConverter : StringIdJsonConverter<ConversationId>
{
    protected override ConversationId Wrap(string value) => new(value);

    protected override string Unwrap(ConversationId id) => id.Value;
}
