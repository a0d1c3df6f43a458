using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(WireEnumConverter<ConversationDirection>))]
public enum ConversationDirection
{
    Inbound,
    Outbound,
}
