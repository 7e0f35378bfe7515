using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Policy;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Notifications;

/// <summary>One decision about one notice for one customer: the audit trail's row.</summary>
public sealed record NoticeRecord(
    string Key,
    NoticeTopic Topic,
    Verdict Verdict,
    PolicyRule Rule,
    NoticeChannel? Channel,
    DateTimeOffset At,
    DateTimeOffset? NotBefore,
    string? Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<NoticeRecord>))]
public sealed partial class NoticeJsonContext : JsonSerializerContext;

/// <summary>
/// Every notice decision per customer (<c>notices/{channel}/{user}</c>): the proof we did not
/// spam, and the send history the policy decides from. Sends are claimed once per notice key
/// (<c>notice-claims/{channel}/{user}/{key}</c>, create-if-absent) across retries and instances.
/// </summary>
public sealed class NoticeLedger(IDocumentStore store)
{
    private const int MaxRecords = 200;

    public async Task<IReadOnlyList<NoticeRecord>> ListAsync(ConversationReference customer, CancellationToken cancellationToken) =>
        await store.ReadAsync(Key(customer), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, NoticeJsonContext.Default.ListNoticeRecord) ?? []
            : [];

    public Task RecordAsync(ConversationReference customer, NoticeRecord record, CancellationToken cancellationToken) =>
        store.UpdateAsync(Key(customer), NoticeJsonContext.Default.ListNoticeRecord,
            records => [.. (records ?? []).TakeLast(MaxRecords - 1), record], cancellationToken);

    /// <summary>Claims the right to send this notice; false when it was claimed before (sent, or being sent).</summary>
    public async Task<bool> TryClaimAsync(ConversationReference customer, string noticeKey, CancellationToken cancellationToken) =>
        await store.TryWriteAsync(ClaimKey(customer, noticeKey), ReadOnlyMemory<byte>.Empty, WriteCondition.IfAbsent, cancellationToken) is not null;

    private static string Key(ConversationReference customer) => StorageKey.Join("notices", customer.Channel, customer.UserId);

    private static string ClaimKey(ConversationReference customer, string noticeKey) =>
        StorageKey.Join("notice-claims", customer.Channel, customer.UserId, noticeKey.Replace('/', '_'));
}
