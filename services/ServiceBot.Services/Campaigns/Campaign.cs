using System.Text.Json.Serialization;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// Who a campaign is for: buyers of any of these SKUs (all buyers when empty), with an order within the last days.
/// </summary>
internal sealed record CampaignAudience(IReadOnlyList<string> Skus, int? OrderedWithinDays);

/// <summary>A promotion notice as the merchant posted it.</summary>
internal sealed record Campaign(
    string CampaignId,
    string Title,
    string Body,
    Uri? Url,
    DateTimeOffset SendAt,
    CampaignAudience Audience
)
{
    /// <summary>The once-only notice key per recipient: one campaign reaches a customer at most once.</summary>
    public string NoticeKey => $"campaign:{CampaignId}";

    /// <summary>
    /// A promotion held back (quiet hours, caps) is worth sending for this long after its time; then it is dropped.
    /// </summary>
    public static readonly TimeSpan DeferralLimit = TimeSpan.FromDays(3);
}

/// <summary>Where a campaign's fan-out stands.</summary>
internal sealed record CampaignProgress(
    int Pages,
    int NextPage,
    int Recipients,
    int Sent,
    int Deferred,
    int Dropped,
    DateTimeOffset? NextDeferredAt,
    bool Finished
)
{
    public static CampaignProgress Start(int pages, int recipients) =>
        new(pages, 0, recipients, 0, 0, 0, null, pages == 0);
}

/// <summary>One page of a campaign's audience, with the recipients held back and when they may go.</summary>
internal sealed record AudiencePage(IReadOnlyList<string> Recipients, IReadOnlyList<DeferredRecipient> Deferred);

internal sealed record DeferredRecipient(string OpenId, DateTimeOffset NotBefore);

/// <summary>What a preview answers: how many would get it now, and how many each rule holds back.</summary>
internal sealed record CampaignPreview(
    string CampaignId,
    int Audience,
    int WouldSend,
    IReadOnlyDictionary<string, int> HeldBack,
    DateTimeOffset EvaluatedAt
);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(Campaign))]
[JsonSerializable(typeof(CampaignProgress))]
[JsonSerializable(typeof(AudiencePage))]
[JsonSerializable(typeof(CampaignPreview))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class CampaignJsonContext : JsonSerializerContext;
