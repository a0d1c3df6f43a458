using System.Collections.Frozen;
using System.Text.Json;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Conversations;

/// <summary>
/// Conversation events to and from the log: the stored type is the event's case name
/// (<c>ParticipantHeld</c>), the data its JSON with the domain's own converters.
/// </summary>
public static class ConversationEventSerializer
{
    public const string StreamType = "conversation";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly FrozenDictionary<string, Type> TypesByName = typeof(ConversationEvent)
        .GetNestedTypes()
        .Where(type => type.IsSealed && type.IsSubclassOf(typeof(ConversationEvent)))
        .ToFrozenDictionary(type => type.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> TypeNames => TypesByName.Keys;

    /// <summary>An enum's contract spelling (<c>failed-transport</c>), as its JSON converter writes it.</summary>
    public static string Wire<T>(T value) => JsonSerializer.Serialize(value, Options).Trim('"');

    public static string TypeName(ConversationEvent @event) => @event.GetType().Name;

    public static EventToAppend ToAppend(ConversationEvent @event, EventMetadata metadata) =>
        new(Guid.CreateVersion7(), TypeName(@event), JsonSerializer.Serialize(@event, @event.GetType(), Options), metadata);

    public static ConversationEvent Deserialize(StoredEvent stored) =>
        TypesByName.TryGetValue(stored.Type, out var type)
            ? (ConversationEvent)(JsonSerializer.Deserialize(stored.Data, type, Options)
                ?? throw new InvalidDataException($"Event {stored.Id} has no data."))
            : throw new InvalidDataException($"Event {stored.Id} has the unknown type {stored.Type}.");
}
