using Mediator;
using Microsoft.Extensions.Logging;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Insights;

/// <summary>
/// The day's numbers from the events that make them: follows, unfollows (and what each costs the notices
/// sent in the <see cref="InsightsStore.UnfollowWindow"/> before it, once per customer), chats begun, chats
/// handed to a person, the first agent reply and the resolution. Counts wait in memory for the next flush;
/// an unfollow's cost is written at once (unfollows are few), and a failure there is logged, never a
/// reason to fail what the customer did.
/// </summary>
internal sealed partial class InsightEvents(InsightsStore insights, NoticeLedger ledger, ILogger<InsightEvents> logger)
    : INotificationHandler<AccountFollowed>,
        INotificationHandler<ConsentWithdrawn>,
        INotificationHandler<ChatStarted>,
        INotificationHandler<CaseChanged>
{
    public ValueTask Handle(AccountFollowed followed, CancellationToken cancellationToken)
    {
        InsightsMetrics.Followed();
        return KeepAsync(followed.At, new InsightDay("") { Follows = 1 }, cancellationToken);
    }

    public ValueTask Handle(ChatStarted started, CancellationToken cancellationToken)
    {
        InsightsMetrics.ChatStarted();
        return KeepAsync(started.At, new InsightDay("") { Chats = 1 }, cancellationToken);
    }

    public ValueTask Handle(CaseChanged changed, CancellationToken cancellationToken)
    {
        var handoff = changed.Case;
        switch (changed.Change)
        {
            case CaseChange.Queued:
                InsightsMetrics.HandedOff();
                return KeepAsync(handoff.QueuedAt, new InsightDay("") { HandedOff = 1 }, cancellationToken);
            case CaseChange.AgentReplied
                when handoff.Entries.Count(e => e.Kind == CaseEntryKind.Agent) == 1
                    && handoff.Entries.First(e => e.Kind == CaseEntryKind.Agent) is var first:
                var waited = Math.Max(0, (first.At - handoff.QueuedAt).TotalSeconds);
                InsightsMetrics.FirstResponse(waited);
                return KeepAsync(
                    first.At,
                    new InsightDay("") { FirstResponses = 1, FirstResponseSeconds = waited },
                    cancellationToken
                );
            case CaseChange.Resolved when handoff.ClosedAt is { } closed:
                var took = Math.Max(0, (closed - handoff.QueuedAt).TotalSeconds);
                InsightsMetrics.Resolved(took);
                return KeepAsync(
                    closed,
                    new InsightDay("") { Resolved = 1, ResolutionSeconds = took },
                    cancellationToken
                );
            default:
                return ValueTask.CompletedTask;
        }
    }

    public async ValueTask Handle(ConsentWithdrawn withdrawn, CancellationToken cancellationToken)
    {
        if (withdrawn.Source != ConsentSource.Unfollow)
        {
            return;
        }

        InsightsMetrics.Unfollowed();
        await KeepAsync(withdrawn.At, new InsightDay("") { Unfollows = 1 }, cancellationToken);
        try
        {
            var sent = (await ledger.ListAsync(withdrawn.Customer, cancellationToken))
                .Where(r =>
                    r.Verdict == Verdict.Send
                    && r.At <= withdrawn.At
                    && withdrawn.At - r.At <= InsightsStore.UnfollowWindow
                )
                .DistinctBy(r => r.Key);
            foreach (var notice in sent)
            {
                if (
                    await insights.TryCountUnfollowAsync(
                        notice.Key,
                        withdrawn.Customer,
                        withdrawn.At,
                        cancellationToken
                    )
                )
                {
                    InsightsMetrics.UnfollowedAfter(notice.Topic, InsightsStore.CampaignOf(notice.Key));
                }
            }
        }
        catch (Exception e) when (e is StorageUnavailableException or StorageConflictException)
        {
            NotKept(logger, e);
        }
    }

    private ValueTask KeepAsync(DateTimeOffset at, InsightDay change, CancellationToken cancellationToken)
    {
        insights.Add(at, change);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(7101, LogLevel.Warning, "A number for the back office could not be kept.")]
    private static partial void NotKept(ILogger logger, Exception exception);
}
