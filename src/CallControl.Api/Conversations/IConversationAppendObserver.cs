using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Conversations;

/// <summary>
/// Told of every append <see cref="ConversationCommandService"/> commits, before the command's response goes
/// out. The append stands whatever an observer does, so observers swallow their own failures; anything they
/// must not miss, they also take from the log.
/// </summary>
public interface IConversationAppendObserver
{
    Task AppendedAsync(string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}
