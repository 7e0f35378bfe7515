using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Insights;

/// <summary>Follows and unfollows on one day (the shop's time zone).</summary>
internal sealed record FollowerDay(string Date, int Follows, int Unfollows);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FollowerDay))]
[JsonSerializable(typeof(List<FollowerDay>))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class InsightsJsonContext : JsonSerializerContext;

/// <summary>
/// Where the numbers are kept: <c>insights/followers/{date}</c> a day's counts, and
/// <c>insights/unfollows/{notice}/{customer}</c> one marker per customer who unfollowed after a notice,
/// so that a retried event counts once and a notice's cost is the number of its markers.
/// </summary>
internal sealed class InsightsStore(IDocumentStore store, IOptions<ShopOptions> shop)
{
    /// <summary>An unfollow this soon after a notice counts against it.</summary>
    public static readonly TimeSpan UnfollowWindow = TimeSpan.FromHours(48);

    private const string CampaignPrefix = "campaign:";

    /// <summary>The campaign a notice key belongs to, or null.</summary>
    public static string? CampaignOf(string noticeKey) =>
        noticeKey.StartsWith(CampaignPrefix, StringComparison.Ordinal) ? noticeKey[CampaignPrefix.Length..] : null;

    public async Task CountDayAsync(DateTimeOffset at, bool follow, CancellationToken cancellationToken)
    {
        var date = DateOf(at);
        await store.UpdateAsync(
            DayKey(date),
            InsightsJsonContext.Default.FollowerDay,
            day =>
                (day ?? new FollowerDay(date, 0, 0)) is var d && follow
                    ? d with
                    {
                        Follows = d.Follows + 1,
                    }
                    : d with
                    {
                        Unfollows = d.Unfollows + 1,
                    },
            cancellationToken
        );
    }

    /// <summary>The last <paramref name="days"/> days up to today, oldest first (a quiet day as zeros).</summary>
    public async Task<List<FollowerDay>> DaysAsync(int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = TimeZoneInfo.ConvertTime(now, shop.Value.Zone).Date;
        var dates = Enumerable
            .Range(0, days)
            .Select(i => today.AddDays(i - days + 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .ToList();
        var found = await store.ReadManyAsync([.. dates.Select(DayKey)], cancellationToken);
        return
        [
            .. dates.Select(
                (date, i) =>
                    found[i] is { } document
                        ? JsonSerializer.Deserialize(document.Content.Span, InsightsJsonContext.Default.FollowerDay)!
                        : new FollowerDay(date, 0, 0)
            ),
        ];
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

    private static string DayKey(string date) => StorageKey.Join("insights", "followers", date);

    // Notice keys hold ':' and may hold other characters a key segment should not: hex of the UTF-8.
    private static string UnfollowsPrefix(string noticeKey) =>
        StorageKey.Join("insights", "unfollows", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(noticeKey)));

    private string DateOf(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
