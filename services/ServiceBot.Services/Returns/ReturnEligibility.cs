using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Returns;

/// <summary>Why a return cannot be opened, or null when it can.</summary>
internal static class ReturnEligibility
{
    public static (string Chinese, string English)? Check(Order order, string? sku, IReadOnlyList<ReturnRequest> existing, DateTimeOffset now, int windowDays)
    {
        var delivered = order.Status == OrderStatus.Delivered || order.Shipment?.Status == ShipmentStatus.Delivered;
        if (!delivered)
        {
            return ("这个订单还没有签收，签收后才能申请退货。", "This order hasn't been delivered yet; returns open once it arrives.");
        }

        var deliveredAt = order.Shipment?.DeliveredAt ?? order.PlacedAt;
        if (now - deliveredAt > TimeSpan.FromDays(windowDays))
        {
            return ($"这个订单签收已超过 {windowDays} 天，超出了退货期限。", $"This order was delivered more than {windowDays} days ago, past the return window.");
        }

        if (sku is not null && existing.Any(r => r.OrderId == order.OrderId && r.Sku == sku && r.Status != ReturnStatus.Rejected))
        {
            return ("这件商品已经申请过退货了，回复“我的退货”查看进度。", "This item already has a return; reply \"my returns\" to see it.");
        }

        return null;
    }
}
