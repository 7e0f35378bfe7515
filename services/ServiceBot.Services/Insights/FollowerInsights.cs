using Mediator;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Services.Insights;

/// <summary>A customer followed the account (domain event, once the turn is saved).</summary>
internal sealed record AccountFollowed(ConversationReference Customer, DateTimeOffset At) : INotification;

/// <summary>Notes a follow and lets the turn go on to whatever answers it (the welcome, a QR scan's order).</summary>
internal sealed class FollowWatch(TimeProvider time) : IGlobalCommand
{
    public Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Activity.IsEvent("subscribe"))
        {
            turn.Raise(new AccountFollowed(turn.Conversation, time.GetUtcNow()));
        }

        return Task.FromResult(false);
    }
}

/// <summary>
/// Follows and unfollows by day, and what each unfollow costs the notices that came before it: an
/// unfollow within <see cref="InsightsStore.UnfollowWindow"/> of a notice sent to that customer counts
/// against the notice (and its campaign), once per customer.
/// </summary>
internal sealed class FollowerInsights(InsightsStore insights, NoticeLedger ledger)
    : INotificationHandler<AccountFollowed>,
        INotificationHandler<ConsentWithdrawn>
{
    public async ValueTask Handle(AccountFollowed followed, CancellationToken cancellationToken)
    {
        InsightsMetrics.Followed();
        await insights.CountDayAsync(followed.At, follow: true, cancellationToken);
    }

    public async ValueTask Handle(ConsentWithdrawn withdrawn, CancellationToken cancellationToken)
    {
        if (withdrawn.Source != ConsentSource.Unfollow)
        {
            return;
        }

        InsightsMetrics.Unfollowed();
        await insights.CountDayAsync(withdrawn.At, follow: false, cancellationToken);
        var sent = (await ledger.ListAsync(withdrawn.Customer, cancellationToken))
            .Where(r =>
                r.Verdict == Verdict.Send && r.At <= withdrawn.At && withdrawn.At - r.At <= InsightsStore.UnfollowWindow
            )
            .DistinctBy(r => r.Key);
        foreach (var notice in sent)
        {
            if (await insights.TryCountUnfollowAsync(notice.Key, withdrawn.Customer, withdrawn.At, cancellationToken))
            {
                InsightsMetrics.UnfollowedAfter(notice.Topic, InsightsStore.CampaignOf(notice.Key));
            }
        }
    }
}
