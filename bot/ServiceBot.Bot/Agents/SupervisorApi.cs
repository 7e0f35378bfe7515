using System.Text.Json.Serialization;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// The supervisor's numbers: the queue now, chats per agent, call-backs asked for, and a week of notice decisions by
/// rule.
/// </summary>
internal sealed record SupervisorStats(
    int Waiting,
    int WithAgents,
    int OldestWaitSeconds,
    int AverageWaitSeconds,
    IReadOnlyDictionary<string, int> ChatsPerAgent,
    IReadOnlyList<CallbackView> Callbacks,
    IReadOnlyDictionary<string, int> NoticesLastWeek
);

internal sealed record CallbackView(string Customer, string Phone, DateTimeOffset At);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SupervisorStats))]
internal sealed partial class SupervisorJsonContext : JsonSerializerContext;

/// <summary><c>GET /agent/api/stats</c>, supervisors only.</summary>
internal static class SupervisorApi
{
    private const int RecentCallbacks = 20;

    public static RouteGroupBuilder MapSupervisorApi(this RouteGroupBuilder api)
    {
        api.MapGet(
                "/stats",
                async (
                    AgentDesk desk,
                    CallbackRequests callbacks,
                    NoticeLedger ledger,
                    TimeProvider time,
                    CancellationToken ct
                ) =>
                {
                    var now = time.GetUtcNow();
                    var open = await desk.QueueAsync(ct);
                    var waits = open.Where(c => c.State == CaseState.Queued)
                        .Select(c => Math.Max(0, (now - c.QueuedAt).TotalSeconds))
                        .ToArray();
                    var perAgent = open.Where(c => c is { State: CaseState.Agent, AgentId: not null })
                        .GroupBy(c => c.AgentId!, StringComparer.Ordinal)
                        .OrderBy(g => g.Key, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Count());
                    var asked = (await callbacks.ListAsync(ct))
                        .TakeLast(RecentCallbacks)
                        .Reverse()
                        .Select(c => new CallbackView(SignalRAgentFeed.Masked(c.Customer.UserId), c.Phone, c.At))
                        .ToList();
                    var stats = new SupervisorStats(
                        waits.Length,
                        open.Count - waits.Length,
                        (int)(waits.Length == 0 ? 0 : waits.Max()),
                        (int)(waits.Length == 0 ? 0 : waits.Average()),
                        perAgent,
                        asked,
                        await ledger.CountAsync(now.AddDays(-7), ct)
                    );
                    return Results.Json(stats, SupervisorJsonContext.Default.SupervisorStats);
                }
            )
            .RequireAuthorization(AgentConsoleRegistration.SupervisorPolicy);
        return api;
    }
}
