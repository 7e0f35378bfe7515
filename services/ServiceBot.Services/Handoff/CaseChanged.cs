using Mediator;

namespace ServiceBot.Services.Handoff;

/// <summary>What happened to a case, as the console shows it.</summary>
internal enum CaseChange
{
    Queued,
    CustomerWrote,
    LeftQueue,
    Claimed,
    AgentReplied,
    Noted,
    Transferred,
    HandedBack,
    Resolved,
    QueueTimedOut,
    Requeued,
}

/// <summary>A case changed (domain event): the agent consoles are told live, and the case's timeouts are set.</summary>
internal sealed record CaseChanged(HandoffCase Case, CaseChange Change) : INotification;

/// <summary>Where the agent consoles hear of changes (the host pushes them over SignalR).</summary>
internal interface IAgentFeed
{
    Task CaseChangedAsync(HandoffCase handoffCase, CaseChange change, CancellationToken cancellationToken);
}

/// <summary>Forwards every case change to the consoles.</summary>
internal sealed class AgentFeedForwarder(IEnumerable<IAgentFeed> feeds) : INotificationHandler<CaseChanged>
{
    public async ValueTask Handle(CaseChanged changed, CancellationToken cancellationToken)
    {
        foreach (var feed in feeds)
        {
            await feed.CaseChangedAsync(changed.Case, changed.Change, cancellationToken);
        }
    }
}
