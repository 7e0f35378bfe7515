using System.Globalization;
using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// Campaigns (<c>campaigns/{id}</c>, created once), their audience in pages
/// (<c>campaign-pages/{id}/{page}</c>), the fan-out's progress (<c>campaign-progress/{id}</c>) and
/// a cancellation (<c>campaign-cancellations/{id}</c>).
/// </summary>
internal sealed class CampaignStore(IDocumentStore store)
{
    public enum CreateResult
    {
        Created,

        /// <summary>The same campaign was posted before: nothing changes.</summary>
        Unchanged,

        /// <summary>A different campaign already has this id.</summary>
        Conflict,
    }

    public async Task<CreateResult> CreateAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(campaign, CampaignJsonContext.Default.Campaign);
        if (
            await store.TryWriteAsync(Key(campaign.CampaignId), bytes, WriteCondition.IfAbsent, cancellationToken)
            is not null
        )
        {
            return CreateResult.Created;
        }

        var existing = await GetAsync(campaign.CampaignId, cancellationToken);
        return
            existing is not null
            && JsonSerializer
                .SerializeToUtf8Bytes(existing, CampaignJsonContext.Default.Campaign)
                .AsSpan()
                .SequenceEqual(bytes)
            ? CreateResult.Unchanged
            : CreateResult.Conflict;
    }

    public async Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken) =>
        await store.ReadAsync(Key(campaignId), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, CampaignJsonContext.Default.Campaign)
            : null;

    public async Task<CampaignProgress?> GetProgressAsync(string campaignId, CancellationToken cancellationToken) =>
        await store.ReadAsync(ProgressKey(campaignId), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, CampaignJsonContext.Default.CampaignProgress)
            : null;

    public Task SaveProgressAsync(string campaignId, CampaignProgress progress, CancellationToken cancellationToken) =>
        store.TryWriteAsync(
            ProgressKey(campaignId),
            JsonSerializer.SerializeToUtf8Bytes(progress, CampaignJsonContext.Default.CampaignProgress),
            WriteCondition.None,
            cancellationToken
        );

    public async Task<AudiencePage> GetPageAsync(string campaignId, int page, CancellationToken cancellationToken) =>
        await store.ReadAsync(PageKey(campaignId, page), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, CampaignJsonContext.Default.AudiencePage)!
            : new AudiencePage([], []);

    public Task SavePageAsync(string campaignId, int page, AudiencePage content, CancellationToken cancellationToken) =>
        store.TryWriteAsync(
            PageKey(campaignId, page),
            JsonSerializer.SerializeToUtf8Bytes(content, CampaignJsonContext.Default.AudiencePage),
            WriteCondition.None,
            cancellationToken
        );

    /// <summary>Marks the campaign cancelled (the first time is kept); false when there is no such campaign.</summary>
    public async Task<bool> CancelAsync(string campaignId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await GetAsync(campaignId, cancellationToken) is null)
        {
            return false;
        }

        await store.TryWriteAsync(
            CancelKey(campaignId),
            JsonSerializer.SerializeToUtf8Bytes(at, CampaignJsonContext.Default.DateTimeOffset),
            WriteCondition.IfAbsent,
            cancellationToken
        );
        return true;
    }

    /// <summary>When the campaign was cancelled, or null.</summary>
    public async Task<DateTimeOffset?> CancelledAtAsync(string campaignId, CancellationToken cancellationToken) =>
        await store.ReadAsync(CancelKey(campaignId), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, CampaignJsonContext.Default.DateTimeOffset)
            : null;

    private static string CancelKey(string campaignId) => StorageKey.Join("campaign-cancellations", campaignId);

    private static string Key(string campaignId) => StorageKey.Join("campaigns", campaignId);

    private static string ProgressKey(string campaignId) => StorageKey.Join("campaign-progress", campaignId);

    private static string PageKey(string campaignId, int page) =>
        StorageKey.Join("campaign-pages", campaignId, page.ToString("D6", CultureInfo.InvariantCulture));
}
