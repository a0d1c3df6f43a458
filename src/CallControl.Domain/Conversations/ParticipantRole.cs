using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(WireEnumConverter<ParticipantRole>))]
public enum ParticipantRole
{
    Agent,
    Customer,
    External,
}
