using Mediator;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// A customer wrote for the first time, or after <see cref="Gap"/> of silence: a new chat begins (domain
/// event, once the turn is saved). What the bot finishes without a person is counted against these.
/// </summary>
internal sealed record ChatStarted(ConversationReference Customer, DateTimeOffset At) : INotification
{
    public static readonly TimeSpan Gap = TimeSpan.FromHours(24);
}

/// <summary>A customer followed the account (domain event, once the turn is saved).</summary>
internal sealed record AccountFollowed(ConversationReference Customer, DateTimeOffset At) : INotification;
