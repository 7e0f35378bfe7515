using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Campaigns;

/// <summary>A campaign's audience: customers with a non-cancelled order of one of its SKUs, placed within its recency window.</summary>
public sealed class CampaignAudienceFinder(OrderStore orders)
{
    /// <summary>The audience's open ids, in ordinal order, as of <paramref name="asOf"/>.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(Campaign campaign, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var skus = campaign.Audience.Skus.ToHashSet(StringComparer.Ordinal);
        var since = campaign.Audience.OrderedWithinDays is { } days ? asOf - TimeSpan.FromDays(days) : DateTimeOffset.MinValue;
        var audience = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var order in orders.AllAsync(cancellationToken))
        {
            if (order.Status != OrderStatus.Cancelled && order.PlacedAt >= since && order.PlacedAt <= asOf
                && (skus.Count == 0 || order.Items.Any(item => skus.Contains(item.Sku))))
            {
                audience.Add(order.OpenId);
            }
        }

        return [.. audience.Order(StringComparer.Ordinal)];
    }
}
