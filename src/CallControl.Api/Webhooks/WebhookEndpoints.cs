using CallControl.Api.Auth;
using CallControl.Api.Http;
using CallControl.Api.Webhooks.Delivery;
using CallControl.Api.Webhooks.Sending;
using CallControl.Api.Webhooks.Subscriptions;
using CallControl.Domain.Agents;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CallControl.Api.Webhooks;

/// <summary>The body of <c>POST /api/v1/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, IReadOnlyList<string>? AgentIds, string? Secret);

public sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public const int MaxAgentIds = 100;

    public CreateWebhookRequestValidator(DestinationPolicy destinations)
    {
        RuleFor(r => r.Url).Must(url => destinations.ValidateUrl(url).Ok)
            .WithMessage((_, url) => destinations.ValidateUrl(url).Error ?? "Not a valid URL.");
        RuleFor(r => r.Events).NotEmpty().WithMessage("events lists at least one event type.")
            .Must(events => events!.All(WebhookEventTypes.IsKnown))
            .WithMessage($"events are among: {string.Join(", ", WebhookEventTypes.All)}.")
            .When(r => r.Events is not null);
        RuleFor(r => r.Events).NotNull().WithMessage("events lists at least one event type.");
        RuleFor(r => r.AgentIds).Must(ids => ids!.Count is > 0 and <= MaxAgentIds && ids.All(id => AgentId.TryParse(id, out _)))
            .WithMessage($"agentIds, when given, are 1 to {MaxAgentIds} agent ids.")
            .When(r => r.AgentIds is not null);
        RuleFor(r => r.Secret).Must(secret => WebhookSecret.TryParse(secret, out _, out _))
            .WithMessage((_, secret) => WebhookSecret.TryParse(secret, out WebhookSecret? _, out var error) ? string.Empty : error)
            .When(r => r.Secret is not null);
    }
}

/// <summary>One delivery attempt record as the deliveries query shows it.</summary>
public sealed record DeliveryView(
    long Id, string MessageId, string EventType, string Status, int Attempts, DateTimeOffset? NextAttemptAt, int? LastStatus, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

public static class WebhookEndpoints
{
    public const int MaxDeliveriesPage = 200;
    private static readonly string[] DeliveryStatuses = ["pending", "delivered", "failed", "dead"];

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var webhooks = endpoints.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireScope(ApiScopes.Webhooks);
        webhooks.MapPost("/", CreateWebhook).Validate<CreateWebhookRequest>();
        webhooks.MapGet("/", ListWebhooks);
        webhooks.MapGet("/{webhookId}", GetWebhook);
        webhooks.MapDelete("/{webhookId}", DeleteWebhook);
        webhooks.MapGet("/{webhookId}/deliveries", ListDeliveries);
        webhooks.MapPost("/{webhookId}/deliveries/{deliveryId:long}/redeliver", Redeliver);
        return endpoints;
    }

    /// <summary>Creates a subscription; the secret (generated when not given) is shown in this answer only.</summary>
    public static async Task<Results<Created<CreatedWebhookView>, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, HttpContext http, WebhookSubscriptionStore store, DestinationPolicy destinations, CancellationToken cancellationToken)
    {
        var url = new Uri(request.Url!);
        var (reachable, refusal) = await destinations.CheckResolvedAsync(url, cancellationToken);
        if (!reachable)
        {
            return Problems.Validation("url", refusal ?? "The destination is not allowed.");
        }

        var secret = request.Secret ?? WebhookSecret.Generate().Value;
        var created = await store.CreateAsync(http.GetTenantId(), url.ToString(), [.. request.Events!.Distinct()], request.AgentIds?.Distinct().ToList(), secret, cancellationToken);
        return TypedResults.Created($"/api/v1/webhooks/{created.Id}",
            new CreatedWebhookView(created.Id, created.Url, created.Events, created.AgentIds, created.Secret, created.CreatedAt));
    }

    public static async Task<Ok<IReadOnlyList<WebhookView>>> ListWebhooks(HttpContext http, WebhookSubscriptionStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<WebhookView>>([.. (await store.ListAsync(http.GetTenantId(), cancellationToken)).Select(s => s.ToView())]);

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetWebhook(
        string webhookId, HttpContext http, WebhookSubscriptionStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(http.GetTenantId(), webhookId, cancellationToken) is { } found
            ? TypedResults.Ok(found.ToView())
            : NotFound(webhookId);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        string webhookId, HttpContext http, WebhookSubscriptionStore store, WebhookSender sender, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(http.GetTenantId(), webhookId, cancellationToken))
        {
            return NotFound(webhookId);
        }

        sender.Forget(webhookId);
        return TypedResults.NoContent();
    }

    /// <summary>The subscription's deliveries, newest first, optionally of one status; <c>before</c> pages on.</summary>
    public static async Task<Results<Ok<IReadOnlyList<DeliveryView>>, ProblemHttpResult>> ListDeliveries(
        string webhookId,
        HttpContext http,
        WebhookSubscriptionStore store,
        NpgsqlDataSource dataSource,
        [FromQuery] string? status,
        [FromQuery] long? before,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        if (status is not null && !DeliveryStatuses.Contains(status, StringComparer.Ordinal))
        {
            return Problems.Validation("status", "status is pending, delivered, failed or dead.");
        }

        if (limit is < 1 or > MaxDeliveriesPage)
        {
            return Problems.Validation("limit", $"limit is 1 to {MaxDeliveriesPage}.");
        }

        var tenant = http.GetTenantId();
        if (await store.FindAsync(tenant, webhookId, cancellationToken) is null)
        {
            return NotFound(webhookId);
        }

        await using var command = dataSource.CreateCommand("""
            SELECT id, message_id, event_type, status, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at
            FROM webhook_deliveries
            WHERE tenant_id = $1 AND subscription_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC
            LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhookId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = before, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit ?? 50 });
        var deliveries = new List<DeliveryView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = reader.GetString(3);
            deliveries.Add(new DeliveryView(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), state, reader.GetInt32(4),
                state is "pending" or "failed" ? reader.GetFieldValue<DateTimeOffset>(5) : null,
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return TypedResults.Ok<IReadOnlyList<DeliveryView>>(deliveries);
    }

    /// <summary>Sends a delivery again from now on, with a fresh retry window (whatever its status).</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> Redeliver(
        string webhookId, long deliveryId, HttpContext http, WebhookSubscriptionStore store, NpgsqlDataSource dataSource, WebhookSender sender,
        CancellationToken cancellationToken)
    {
        var tenant = http.GetTenantId();
        if (await store.FindAsync(tenant, webhookId, cancellationToken) is null)
        {
            return NotFound(webhookId);
        }

        // The message goes back to its lane, first in line if it is older than what waits there; the sending
        // instance takes it from here, or finds it by requeued_at when that is another instance.
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), window_start = now(), requeued_at = clock_timestamp()
            WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3
            RETURNING requeued_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhookId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = deliveryId });
        if (await command.ExecuteScalarAsync(cancellationToken) is not DateTime requeuedAt)
        {
            return Problems.NotFound($"Delivery {deliveryId} of webhook {webhookId} was not found.");
        }

        sender.Requeue(deliveryId, new DateTimeOffset(requeuedAt, TimeSpan.Zero));
        return TypedResults.Accepted($"/api/v1/webhooks/{webhookId}/deliveries?status=pending");
    }

    private static ProblemHttpResult NotFound(string webhookId) => Problems.NotFound($"Webhook {webhookId} was not found.");
}
