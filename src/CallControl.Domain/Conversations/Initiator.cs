using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

/// <summary>Who caused a disconnect.</summary>
[JsonConverter(typeof(WireEnumConverter<Initiator>))]
public enum Initiator
{
    Agent,
    Customer,
    External,
    System,
}
