using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Returns;

/// <summary>Why a return cannot be opened; <see cref="ReturnText.Ineligible"/> says it to the customer.</summary>
internal enum IneligibleReason
{
    NotDelivered,
    PastWindow,
    AlreadyReturned,
}

/// <summary>Why a return cannot be opened, or null when it can.</summary>
internal static class ReturnEligibility
{
    public static IneligibleReason? Check(
        Order order,
        string? sku,
        IReadOnlyList<ReturnRequest> existing,
        DateTimeOffset now,
        int windowDays
    )
    {
        var delivered = order.Status == OrderStatus.Delivered || order.Shipment?.Status == ShipmentStatus.Delivered;
        if (!delivered)
        {
            return IneligibleReason.NotDelivered;
        }

        var deliveredAt = order.Shipment?.DeliveredAt ?? order.PlacedAt;
        if (now - deliveredAt > TimeSpan.FromDays(windowDays))
        {
            return IneligibleReason.PastWindow;
        }

        if (
            sku is not null
            && existing.Any(r => r.OrderId == order.OrderId && r.Sku == sku && r.Status != ReturnStatus.Rejected)
        )
        {
            return IneligibleReason.AlreadyReturned;
        }

        return null;
    }
}
