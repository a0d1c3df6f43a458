using CallControl.Api.Agents;
using CallControl.Api.Conversations;
using CallControl.Api.Media;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;
using Npgsql;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Routing;

/// <summary>
/// Keeps an inbound caller who is still ringing in front of an agent: when no agent participant is left
/// (none offered yet, or every offer expired, was declined, or its station failed), it offers the next agent
/// on the number's rule, or, with the list exhausted, releases the caller with <c>timeout</c>. It acts on
/// the conversation as it is now, not on the event that woke it, so running it again or late changes nothing.
/// </summary>
public sealed class InboundRouter
{
    public const string Actor = "routing";

    /// <summary>Passes when the conversation moved between reading it and offering (another instance, a fact).</summary>
    private const int MaxAttempts = 5;

    // An agent's line is taken by a conversation that is not over and where that agent is still a participant
    // (an offer that expired in a call still waiting for someone else frees the line).
    private const string LinesInUse = """
        SELECT count(*) FROM conversations c
        WHERE c.tenant_id = $1 AND c.agent_ids @> ARRAY[$2] AND c.state <> 'ended' AND c.id <> $3
          AND EXISTS (
              SELECT 1 FROM json_array_elements(c.view -> 'participants') p
              WHERE p ->> 'agentId' = $2 AND p ->> 'state' <> 'disconnected')
        """;

    private readonly ConversationCommandService _commands;
    private readonly AgentRepository _agents;
    private readonly NpgsqlDataSource _dataSource;
    private readonly RoutingTable _table;
    private readonly ILogger<InboundRouter> _logger;

    public InboundRouter(
        ConversationCommandService commands,
        AgentRepository agents,
        NpgsqlDataSource dataSource,
        RoutingTable table,
        ILogger<InboundRouter> logger)
    {
        _commands = commands;
        _agents = agents;
        _dataSource = dataSource;
        _table = table;
        _logger = logger;
    }

    /// <exception cref="ConversationBusyException">The conversation kept changing; the caller retries.</exception>
    public async Task RouteAsync(string tenantId, string conversationId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var loaded = await _commands.LoadAsync(tenantId, conversationId, cancellationToken);
            if (loaded.State is not Conversation.Live conversation || WaitingCustomer(conversation) is not { } customer)
            {
                return;
            }

            var build = await NextStepAsync(tenantId, conversation, customer, cancellationToken);
            // The choice was made on this version: appended only on it, so two routers never offer two agents at once.
            var response = await _commands.ExecuteAsync(
                conversationId, new CommandOptions(tenantId, Actor, IfMatch: loaded.Version), build, cancellationToken: cancellationToken);
            switch (response.Status)
            {
                case StatusCodes.Status412PreconditionFailed:
                    continue;
                case StatusCodes.Status503ServiceUnavailable:
                    throw new ConversationBusyException($"routing conversation {conversationId} lost every append race");
                case >= 400:
                    _logger.LogInformation("Routing {ConversationId} decided nothing: {Problem}", conversationId, response.Body);
                    return;
                default:
                    return;
            }
        }

        throw new ConversationBusyException($"conversation {conversationId} kept changing while it was being routed");
    }

    /// <summary>
    /// The inbound customer still ringing with no agent participant left, or null when routing has nothing to
    /// do: an agent is ringing or talking, or the caller is connected, leaving or gone.
    /// </summary>
    private static Participant? WaitingCustomer(Conversation.Live conversation)
    {
        if (conversation.Direction != ConversationDirection.Inbound
            || conversation.Participants.Any(p => p.Role == ParticipantRole.Agent && !p.IsDisconnected))
        {
            return null;
        }

        return conversation.Participants.FirstOrDefault(p =>
            p.Role == ParticipantRole.Customer && p.Status == ParticipantStatus.Alerting && !p.IsEnding);
    }

    private async Task<Func<DateTimeOffset, ConversationCommand>> NextStepAsync(
        string tenantId, Conversation.Live conversation, Participant customer, CancellationToken cancellationToken)
    {
        var rule = _table.Find(conversation.Dial.To);
        if (rule is null || rule.Tenant != tenantId)
        {
            // The rule was removed or moved since the call arrived: nobody will be offered it any more.
            _logger.LogWarning("No routing rule for {Dialled} in tenant {TenantId} any more; releasing {ConversationId}", conversation.Dial.To, tenantId, conversation.Id);
            return Release(customer);
        }

        foreach (var candidate in rule.Agents)
        {
            var agentId = new AgentId(candidate);
            if (conversation.Participants.Any(p => p.AgentId == agentId))
            {
                continue;
            }

            var agent = await _agents.FindAsync(tenantId, candidate, cancellationToken);
            if (agent is null)
            {
                _logger.LogWarning("Routing rule for {Dialled} names agent {AgentId}, unknown in tenant {TenantId}; skipped", rule.Did, candidate, tenantId);
                continue;
            }

            if (await LinesInUseAsync(tenantId, candidate, conversation.Id.Value, cancellationToken) >= agent.Station.LineAppearances)
            {
                _logger.LogInformation("Agent {AgentId} has every line in use; not offered {ConversationId}", candidate, conversation.Id);
                continue;
            }

            _logger.LogInformation("Offering {ConversationId} to agent {AgentId}", conversation.Id, candidate);
            var offer = new ParticipantId(Guid.CreateVersion7().ToString());
            return now => new OfferToAgent(offer, agentId, agent.Station.Uri, now);
        }

        _logger.LogInformation("No agent left to offer {ConversationId}; releasing the caller", conversation.Id);
        return Release(customer);
    }

    /// <summary>The caller heard ringback all along; with nobody left to offer, the call ends as not answered.</summary>
    private static Func<DateTimeOffset, ConversationCommand> Release(Participant customer) =>
        now => new EndParticipant(customer.Id, DisconnectReason.Timeout, Initiator.System, now);

    private async Task<long> LinesInUseAsync(string tenantId, string agentId, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(LinesInUse);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
