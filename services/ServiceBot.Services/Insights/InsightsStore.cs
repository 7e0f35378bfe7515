using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Insights;

/// <summary>
/// One day's numbers (the shop's time zone): follows, unfollows, chats begun, chats handed to a person,
/// and the handoffs' first-response and resolution times (sums, with their counts).
/// </summary>
internal sealed record InsightDay(
    string Date,
    int Follows = 0,
    int Unfollows = 0,
    int Chats = 0,
    int HandedOff = 0,
    int FirstResponses = 0,
    double FirstResponseSeconds = 0,
    int Resolved = 0,
    double ResolutionSeconds = 0
)
{
    /// <summary>Chats the bot finished without a person (chats begun less those handed off that day).</summary>
    public int Contained => Math.Max(0, Chats - HandedOff);

    public double? AverageFirstResponseSeconds => FirstResponses == 0 ? null : FirstResponseSeconds / FirstResponses;

    public double? AverageResolutionSeconds => Resolved == 0 ? null : ResolutionSeconds / Resolved;

    public InsightDay Plus(InsightDay other) =>
        this with
        {
            Follows = Follows + other.Follows,
            Unfollows = Unfollows + other.Unfollows,
            Chats = Chats + other.Chats,
            HandedOff = HandedOff + other.HandedOff,
            FirstResponses = FirstResponses + other.FirstResponses,
            FirstResponseSeconds = FirstResponseSeconds + other.FirstResponseSeconds,
            Resolved = Resolved + other.Resolved,
            ResolutionSeconds = ResolutionSeconds + other.ResolutionSeconds,
        };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InsightDay))]
[JsonSerializable(typeof(List<InsightDay>))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class InsightsJsonContext : JsonSerializerContext;

/// <summary>
/// Where the numbers are kept: <c>insights/days/{date}/{shard}</c> a day's counts, added from each
/// instance's memory every few seconds (<see cref="InsightsFlush"/>: a crash loses those seconds'
/// counts), spread over a few documents so that instances seldom meet; and
/// <c>insights/unfollows/{notice}/{customer}</c> one marker per customer who unfollowed after a notice,
/// so that a notice's cost is the number of its markers.
/// </summary>
internal sealed class InsightsStore(IDocumentStore store, IOptions<ShopOptions> shop)
{
    /// <summary>An unfollow this soon after a notice counts against it.</summary>
    public static readonly TimeSpan UnfollowWindow = TimeSpan.FromHours(48);

    private const int Shards = 8;
    private readonly Dictionary<string, InsightDay> _pending = new(StringComparer.Ordinal);
    private const string CampaignPrefix = "campaign:";

    /// <summary>The campaign a notice key belongs to, or null.</summary>
    public static string? CampaignOf(string noticeKey) =>
        noticeKey.StartsWith(CampaignPrefix, StringComparison.Ordinal) ? noticeKey[CampaignPrefix.Length..] : null;

    /// <summary>
    /// Adds <paramref name="change"/> to the day of <paramref name="at"/>, in memory until the next
    /// <see cref="FlushAsync"/>: a turn never waits on the back office's numbers.
    /// </summary>
    public void Add(DateTimeOffset at, InsightDay change)
    {
        var date = DateOf(at);
        lock (_pending)
        {
            _pending[date] = (_pending.GetValueOrDefault(date) ?? new InsightDay(date)).Plus(change);
        }
    }

    /// <summary>Adds what was counted since the last flush to the stored days (kept for the next on failure).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<InsightDay> flushing;
        lock (_pending)
        {
            flushing = [.. _pending.Values];
            _pending.Clear();
        }

        for (var i = 0; i < flushing.Count; i++)
        {
            var change = flushing[i];
            try
            {
                await store.UpdateAsync(
                    StorageKey.Join(
                        "insights",
                        "days",
                        change.Date,
                        Random.Shared.Next(Shards).ToString(CultureInfo.InvariantCulture)
                    ),
                    InsightsJsonContext.Default.InsightDay,
                    day => (day ?? new InsightDay(change.Date)).Plus(change),
                    cancellationToken
                );
            }
            catch
            {
                lock (_pending)
                {
                    foreach (var unsaved in flushing.Skip(i))
                    {
                        _pending[unsaved.Date] = (
                            _pending.GetValueOrDefault(unsaved.Date) ?? new InsightDay(unsaved.Date)
                        ).Plus(unsaved);
                    }
                }

                throw;
            }
        }
    }

    /// <summary>The last <paramref name="days"/> days up to today, oldest first (a quiet day as zeros).</summary>
    public async Task<List<InsightDay>> DaysAsync(int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = TimeZoneInfo.ConvertTime(now, shop.Value.Zone).Date;
        var dates = Enumerable
            .Range(0, days)
            .Select(i => today.AddDays(i - days + 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .ToList();
        var keys = dates.SelectMany(date =>
            Enumerable
                .Range(0, Shards)
                .Select(s => StorageKey.Join("insights", "days", date, s.ToString(CultureInfo.InvariantCulture)))
        );
        var found = await store.ReadManyAsync([.. keys], cancellationToken);
        return
        [
            .. dates.Select(
                (date, i) =>
                    found
                        .Skip(i * Shards)
                        .Take(Shards)
                        .OfType<StoredDocument>()
                        .Select(d =>
                            JsonSerializer.Deserialize(d.Content.Span, InsightsJsonContext.Default.InsightDay)!
                        )
                        .Aggregate(Pending(date), (sum, shard) => sum.Plus(shard))
            ),
        ];
    }

    private InsightDay Pending(string date)
    {
        lock (_pending)
        {
            return _pending.GetValueOrDefault(date) ?? new InsightDay(date);
        }
    }

    /// <summary>Marks that the customer unfollowed after the notice; false when already marked.</summary>
    public async Task<bool> TryCountUnfollowAsync(
        string noticeKey,
        ConversationReference customer,
        DateTimeOffset at,
        CancellationToken cancellationToken
    ) =>
        await store.TryWriteAsync(
            $"{UnfollowsPrefix(noticeKey)}/{StorageKey.Join(customer.Channel, customer.UserId)}",
            JsonSerializer.SerializeToUtf8Bytes(at, InsightsJsonContext.Default.DateTimeOffset),
            WriteCondition.IfAbsent,
            cancellationToken
        )
            is not null;

    /// <summary>How many customers unfollowed within the window after this notice reached them.</summary>
    public async Task<int> UnfollowsAfterAsync(string noticeKey, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in store.ListKeysAsync(UnfollowsPrefix(noticeKey) + "/", cancellationToken))
        {
            count++;
        }

        return count;
    }

    // Notice keys hold ':' and may hold other characters a key segment should not: hex of the UTF-8.
    private static string UnfollowsPrefix(string noticeKey) =>
        StorageKey.Join("insights", "unfollows", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(noticeKey)));

    private string DateOf(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
