global using CallControl.Domain.Agents;
global using CallControl.Domain.Conversations;
global using CallControl.Domain.Tests.Conversations;
global using static CallControl.Domain.Conversations.ConversationCommand;
global using static CallControl.Domain.Conversations.ConversationEvent;
global using static CallControl.Domain.Tests.Conversations.DeciderSpec;
global using static CallControl.Domain.Tests.Conversations.Ids;
