using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(WireEnumConverter<ParticipantStatus>))]
public enum ParticipantStatus
{
    Dialing,
    Alerting,
    Connected,
    Disconnected,
}
