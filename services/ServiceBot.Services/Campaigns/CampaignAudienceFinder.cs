using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// A campaign's audience: customers with a non-cancelled order of one of its SKUs, placed within its recency window.
/// </summary>
internal sealed class CampaignAudienceFinder(OrderStore orders)
{
    /// <summary>The audience's open ids as of <paramref name="asOf"/>, in no particular order.</summary>
    public async Task<IReadOnlyCollection<string>> FindAsync(
        Campaign campaign,
        DateTimeOffset asOf,
        CancellationToken cancellationToken
    )
    {
        var since = campaign.Audience.OrderedWithinDays is { } days
            ? asOf - TimeSpan.FromDays(days)
            : DateTimeOffset.MinValue;
        return await orders.CustomersWhoOrderedAsync(campaign.Audience.Skus, since, asOf, cancellationToken);
    }
}
