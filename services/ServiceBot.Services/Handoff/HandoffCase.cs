using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Handoff;

/// <summary>Where a case stands: waiting for an agent, with an agent, or over.</summary>
internal enum CaseState
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("agent")]
    Agent,

    [JsonStringEnumMemberName("closed")]
    Closed,
}

/// <summary>
/// Who a transcript entry is from: the bot, the customer, an agent, an agent's internal note, or the desk itself.
/// </summary>
internal enum CaseEntryKind
{
    [JsonStringEnumMemberName("bot")]
    Bot,

    [JsonStringEnumMemberName("customer")]
    Customer,

    [JsonStringEnumMemberName("agent")]
    Agent,

    [JsonStringEnumMemberName("note")]
    Note,

    [JsonStringEnumMemberName("system")]
    System,
}

/// <summary>
/// One line of a case's transcript. <see cref="SentToCustomer"/> marks what went out through the channel.
/// </summary>
internal sealed record CaseEntry(
    CaseEntryKind Kind,
    DateTimeOffset At,
    string Text,
    string? Author = null,
    string? PhotoId = null,
    string? ActivityId = null,
    bool SentToCustomer = false
)
{
    /// <summary>What <see cref="PhotoId"/> holds: an image, a voice note (audio/amr, audio/ogg) or a video.</summary>
    public string? MediaType { get; init; }
}

/// <summary>
/// A customer's request for a person, from the moment the bot queued it until an agent hands the
/// chat back or resolves it: the transcript (the bot's part first), the notes, who has it.
/// </summary>
internal sealed record HandoffCase(
    string CaseId,
    ConversationReference Customer,
    string Reason,
    CaseState State,
    DateTimeOffset QueuedAt,
    string? AgentId,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? LastAgentAt,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    IReadOnlyList<CaseEntry> Entries
)
{
    public const int MaxEntries = 500;

    /// <summary>A case just queued: nobody has it yet.</summary>
    public static HandoffCase Queued(
        string caseId,
        ConversationReference customer,
        string reason,
        DateTimeOffset at,
        IReadOnlyList<CaseEntry> entries
    ) => new(caseId, customer, reason, CaseState.Queued, at, null, null, null, null, null, entries);

    public HandoffCase With(CaseEntry entry) => this with { Entries = [.. Entries.TakeLast(MaxEntries - 1), entry] };
}

/// <summary>Kept with the conversation while a person owns it: which case, and which agent has it.</summary>
internal sealed record HandoffLink(string CaseId, string? AgentId)
{
    /// <summary>Waiting in the queue: no agent yet.</summary>
    public static HandoffLink Waiting(string caseId) => new(caseId, null);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(HandoffCase))]
[JsonSerializable(typeof(HandoffLink))]
[JsonSerializable(typeof(List<HandoffCase>))]
internal sealed partial class HandoffJsonContext : JsonSerializerContext;
