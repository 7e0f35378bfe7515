using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ServiceBot.Services.Handoff;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// Live updates for the agent consoles (<c>/agent/hub</c>, signed-in agents only): every case change
/// is pushed as <c>caseChanged</c>; a console reloads what it shows from the API.
/// </summary>
[Authorize(AgentConsoleRegistration.Policy)]
internal sealed class AgentHub : Hub;

/// <summary>What a console is told of a change: enough to update the queue without a request.</summary>
public sealed record CaseChangeMessage(
    string CaseId,
    string Change,
    string State,
    string? AgentId,
    string Customer,
    DateTimeOffset QueuedAt
);

/// <summary>Pushes case changes from the desk to every console over SignalR.</summary>
internal sealed class SignalRAgentFeed(IHubContext<AgentHub> hub) : IAgentFeed
{
    public Task CaseChangedAsync(HandoffCase handoffCase, CaseChange change, CancellationToken cancellationToken) =>
        hub.Clients.All.SendAsync(
            "caseChanged",
            new CaseChangeMessage(
                handoffCase.CaseId,
                change.ToString(),
                handoffCase.State.ToString().ToLowerInvariant(),
                handoffCase.AgentId,
                Masked(handoffCase.Customer.UserId),
                handoffCase.QueuedAt
            ),
            cancellationToken
        );

    /// <summary>
    /// Customers appear by the end of their id: enough to tell chats apart, not to copy an OpenID around.
    /// </summary>
    public static string Masked(string userId) => userId.Length <= 6 ? userId : "…" + userId[^6..];
}
