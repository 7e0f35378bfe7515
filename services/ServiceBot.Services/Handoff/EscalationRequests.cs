using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Handoff;

/// <summary>A customer's request for a person: who, why, when, and the activity that asked.</summary>
public sealed record EscalationRequest(ConversationReference Conversation, string Reason, string ActivityId, DateTimeOffset At);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EscalationRequest))]
internal sealed partial class HandoffJsonContext : JsonSerializerContext;

/// <summary>
/// Records requests for a person (asked for one, sent a photo of a problem, not understood, an
/// ineligible return). One document per asking activity, created if absent, so a channel retry
/// records it once. The agent console's queue is built on these.
/// </summary>
public sealed class EscalationRequests(IDocumentStore store, TimeProvider time)
{
    public async Task RecordAsync(TurnContext turn, string reason, CancellationToken cancellationToken)
    {
        var request = new EscalationRequest(turn.Conversation, reason, turn.Activity.Id, time.GetUtcNow());
        var key = StorageKey.Join("escalations", turn.Conversation.Channel, turn.Conversation.UserId, StoredAgentInbox.Segment(turn.Activity));
        await store.TryWriteAsync(key, JsonSerializer.SerializeToUtf8Bytes(request, HandoffJsonContext.Default.EscalationRequest), WriteCondition.IfAbsent, cancellationToken);
    }

    public async Task<IReadOnlyList<EscalationRequest>> ListAsync(CancellationToken cancellationToken)
    {
        var requests = new List<EscalationRequest>();
        await foreach (var (_, request) in store.ReadAllAsync("escalations/", HandoffJsonContext.Default.EscalationRequest, cancellationToken))
        {
            requests.Add(request);
        }

        return requests;
    }
}
