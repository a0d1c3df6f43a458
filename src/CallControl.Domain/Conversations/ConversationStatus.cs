using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

/// <summary>Derived from the participants; see <see cref="Conversation.Started.Status"/>.</summary>
[JsonConverter(typeof(WireEnumConverter<ConversationStatus>))]
public enum ConversationStatus
{
    Alerting,
    Connected,
    Ended,
}
