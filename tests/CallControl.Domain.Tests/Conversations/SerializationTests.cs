using System.Text.Json;

namespace CallControl.Domain.Tests.Conversations;

public sealed class SerializationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static TheoryData<ConversationEvent> Events
    {
        get
        {
            var data = new TheoryData<ConversationEvent>();
            foreach (var @event in Catalogue.Events)
            {
                data.Add(@event);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryEventRoundTripsThroughSystemTextJson(ConversationEvent @event)
    {
        var json = JsonSerializer.Serialize(@event, @event.GetType(), Web);

        JsonSerializer.Deserialize(json, @event.GetType(), Web).ShouldBe(@event);
    }

    [Fact]
    public void TheCatalogueCoversEveryEvent() =>
        Catalogue.CasesOf(typeof(ConversationEvent)).Except(Catalogue.Events.Select(e => e.GetType())).ShouldBeEmpty();

    [Fact]
    public void EventTypeNamesAreUnique() =>
        Catalogue.CasesOf(typeof(ConversationEvent)).Select(t => t.Name).ShouldBeUnique();

    [Fact]
    public void IdsAndEnumsAreWrittenAsTheContractSpellsThem()
    {
        var json = JsonSerializer.Serialize(
            new ParticipantDisconnected(Agent, DisconnectReason.FailedTransport, 503, Initiator.System, Now),
            Web);

        json.ShouldBe("""{"participantId":"p-agent","reason":"failed-transport","sipStatus":503,"initiator":"system","at":"2025-03-01T09:10:00+00:00"}""");
    }

    [Fact]
    public void AgentIdsAreWrittenAsBareStringsAndAsDictionaryKeys()
    {
        var json = JsonSerializer.Serialize(new Dictionary<AgentId, ConversationId> { [AgentA1] = Conversation1 }, Web);

        json.ShouldBe("""{"a1":"c-1"}""");
        JsonSerializer.Deserialize<Dictionary<AgentId, ConversationId>>(json, Web)!.ShouldContainKeyAndValue(AgentA1, Conversation1);
    }

    [Fact]
    public void NumericEnumValuesAreRefused() =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<ParticipantCommandFailed>(
            """{"participantId":"p-agent","command":0,"detail":"d","at":"2025-03-01T09:10:00Z"}""",
            Web));

    [Fact]
    public void AConversationCanBeWrittenAsJsonForTheReadModel()
    {
        // The customer held while the target still rings: the agent's transfer is pending.
        var json = JsonSerializer.Serialize(
            (Conversation.Started)ConversationDecider.Fold([.. History.ConsultRinging, new ParticipantHeld(Customer, T(21))]), Web);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.GetProperty("status").GetString().ShouldBe("connected");
        root.GetProperty("direction").GetString().ShouldBe("outbound");
        root.GetProperty("transfer").GetProperty("kind").GetString().ShouldBe("consult");
        var participants = root.GetProperty("participants");
        participants.GetArrayLength().ShouldBe(3);
        participants[1].GetProperty("held").GetBoolean().ShouldBeTrue();
        participants[0].GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("transfer");
    }
}
