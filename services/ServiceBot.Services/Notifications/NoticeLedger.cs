using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Notifications;

/// <summary>What became of a notice that went out, as far as the channel says.</summary>
internal enum NoticeDelivery
{
    /// <summary>No word yet, or never: an answer that was lost, or a report still to come.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,

    /// <summary>WeChat reported it delivered (a customer-service message WeChat took is delivered at once).</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>WeChat reported it failed: the user blocked it, or WeChat failed (then it goes once more).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>A template or subscribe message as sent, kept so that a send WeChat reports lost can go again.</summary>
internal sealed record TemplatePayload(string TemplateId, IReadOnlyDictionary<string, string> Data, Uri? Url);

/// <summary>One decision about one notice for one customer: the audit trail's row.</summary>
internal sealed record NoticeRecord(
    string Key,
    NoticeTopic Topic,
    Verdict Verdict,
    PolicyRule Rule,
    NoticeChannel? Channel,
    DateTimeOffset At,
    DateTimeOffset? NotBefore,
    string? Detail
)
{
    /// <summary>The channel's id for the message (WeChat's msgid), which its delivery report names.</summary>
    public string? MessageId { get; init; }

    /// <summary>For a notice that went out (or may have): delivered, failed or unknown.</summary>
    public NoticeDelivery? Delivery { get; init; }

    /// <summary>What a template or subscribe message carried.</summary>
    public TemplatePayload? Payload { get; init; }

    /// <summary>WeChat reported a system failure and the notice is due to go once more (a job sends it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ResendDue { get; init; }

    /// <summary>Sent once more after WeChat reported a system failure; never again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Resent { get; init; }

    /// <summary>A notice dropped before any channel was chosen.</summary>
    public static NoticeRecord Dropped(
        string key,
        NoticeTopic topic,
        PolicyRule rule,
        DateTimeOffset at,
        string detail
    ) => new(key, topic, Verdict.Drop, rule, null, at, null, detail);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(List<NoticeRecord>))]
internal sealed partial class NoticeJsonContext : JsonSerializerContext;

/// <summary>
/// Every notice decision per customer (<c>notices/{channel}/{user}</c>): the proof we did not
/// spam, and the send history the policy decides from. Sending once per key is the outbox's job.
/// </summary>
internal sealed class NoticeLedger(IDocumentStore store)
{
    private const int MaxRecords = 200;

    public async Task<IReadOnlyList<NoticeRecord>> ListAsync(
        ConversationReference customer,
        CancellationToken cancellationToken
    ) => Parse(await store.ReadAsync(Key(customer), cancellationToken));

    /// <summary>Many customers' records at once, in the order given.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<NoticeRecord>>> ListManyAsync(
        IReadOnlyList<ConversationReference> customers,
        CancellationToken cancellationToken
    ) => [.. (await store.ReadManyAsync([.. customers.Select(Key)], cancellationToken)).Select(Parse)];

    private static IReadOnlyList<NoticeRecord> Parse(StoredDocument? document) =>
        document is null
            ? []
            : JsonSerializer.Deserialize(document.Content.Span, NoticeJsonContext.Default.ListNoticeRecord) ?? [];

    public async Task RecordAsync(
        ConversationReference customer,
        NoticeRecord record,
        CancellationToken cancellationToken
    )
    {
        // A notice dropped again for the same reason (a courier repeating an event) is one row, not two.
        var (before, _) = await store.UpdateAsync(
            Key(customer),
            NoticeJsonContext.Default.ListNoticeRecord,
            records => IsRepeat(records, record) ? null : [.. (records ?? []).TakeLast(MaxRecords - 1), record],
            cancellationToken
        );
        if (!IsRepeat(before, record))
        {
            NoticeMetrics.Recorded(record);
        }
    }

    /// <summary>
    /// How many decisions since <paramref name="since"/>, by verdict and rule ("Send", "Drop: Consent", ...), across
    /// every customer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(
        DateTimeOffset since,
        CancellationToken cancellationToken
    )
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (
            var (_, records) in store.ReadAllAsync(
                "notices/",
                NoticeJsonContext.Default.ListNoticeRecord,
                cancellationToken
            )
        )
        {
            foreach (var record in records.Where(r => r.At >= since))
            {
                var key = record.Verdict == Verdict.Send ? "Send" : $"{record.Verdict}: {record.Rule}";
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    }

    private static bool IsRepeat(List<NoticeRecord>? records, NoticeRecord record) =>
        record.Verdict == Verdict.Drop
        && records?.LastOrDefault(r => r.Key == record.Key) is { Verdict: Verdict.Drop } last
        && last.Rule == record.Rule
        && last.Channel == record.Channel;

    /// <summary>
    /// Changes the customer's records: <paramref name="change"/> returns the new list, or null to write nothing.
    /// </summary>
    public async Task<IReadOnlyList<NoticeRecord>> ChangeAsync(
        ConversationReference customer,
        Func<List<NoticeRecord>, List<NoticeRecord>?> change,
        CancellationToken cancellationToken
    ) =>
        (
            await store.UpdateAsync(
                Key(customer),
                NoticeJsonContext.Default.ListNoticeRecord,
                records => change(records ?? []),
                cancellationToken
            )
        ).After
        ?? [];

    /// <summary>Forgets the customer's notice history.</summary>
    public Task DeleteAsync(ConversationReference customer, CancellationToken cancellationToken) =>
        store.DeleteAsync(Key(customer), cancellationToken);

    private static string Key(ConversationReference customer) =>
        StorageKey.Join("notices", customer.Channel, customer.UserId);
}
