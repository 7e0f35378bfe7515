using System.Globalization;
using System.Text;

namespace ServiceBot.Services.Orders;

/// <summary>How orders read on a phone, in Chinese or English; times in the customer's zone.</summary>
internal static class OrderText
{
    public static string Detail(Order order, bool english, TimeZoneInfo zone)
    {
        var text = new StringBuilder();
        text.AppendLine(english
            ? $"Order {order.OrderId} (placed {Date(order.PlacedAt, english, zone)})"
            : $"订单 {order.OrderId}（{Date(order.PlacedAt, english, zone)}下单）");
        text.AppendLine((english ? "Status: " : "状态：") + Status(order.Status, english));
        text.AppendLine((english ? "Items: " : "商品：") + string.Join(english ? ", " : "，", order.Items.Select(i => $"{i.Name} ×{i.Quantity}")));
        if (order.Shipment is { } shipment)
        {
            text.AppendLine((english ? "Carrier: " : "快递：") + $"{shipment.Carrier} {shipment.TrackingNumber}");
            var scan = shipment.LatestScan;
            var where = scan?.Location is { Length: > 0 } location ? $" · {location}" : "";
            var when = scan is null ? "" : $" · {Time(scan.At, english, zone)}";
            text.AppendLine((english ? "Tracking: " : "物流：") + Status(scan?.Status ?? shipment.Status, english) + where + when);
            if (shipment.DeliveredAt is { } delivered)
            {
                text.AppendLine((english ? "Delivered: " : "签收时间：") + Time(delivered, english, zone));
            }
        }

        return text.ToString().TrimEnd();
    }

    public static string ListLine(int number, Order order, bool english, TimeZoneInfo zone)
    {
        var first = order.Items.Count > 0 ? order.Items[0].Name : "";
        var more = order.Items.Count > 1 ? (english ? $" +{order.Items.Count - 1}" : $" 等{order.Items.Count}件") : "";
        var status = order.Shipment is { } s ? Status(s.LatestScan?.Status ?? s.Status, english) : Status(order.Status, english);
        return $"{number}. {order.OrderId} · {Date(order.PlacedAt, english, zone)} · {first}{more} · {status}";
    }

    public static string Status(OrderStatus status, bool english) => status switch
    {
        OrderStatus.Paid => english ? "paid, waiting to ship" : "已付款，待发货",
        OrderStatus.Shipped => english ? "shipped" : "已发货",
        OrderStatus.Delivered => english ? "delivered" : "已签收",
        _ => english ? "cancelled" : "已取消",
    };

    public static string Status(ShipmentStatus status, bool english) => status switch
    {
        ShipmentStatus.PickedUp => english ? "picked up by the courier" : "快递已揽收",
        ShipmentStatus.InTransit => english ? "in transit" : "运输中",
        ShipmentStatus.OutForDelivery => english ? "out for delivery" : "派送中",
        ShipmentStatus.Arrived => english ? "arrived at the pickup point" : "已到达自提点",
        ShipmentStatus.Delivered => english ? "delivered" : "已签收",
        _ => english ? "delivery problem, the courier is on it" : "派送异常，快递正在处理",
    };

    private static string Date(DateTimeOffset at, bool english, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return english
            ? local.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
            : local.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
    }

    private static string Time(DateTimeOffset at, bool english, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return english
            ? local.ToString("d MMM HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("M月d日 HH:mm", CultureInfo.InvariantCulture);
    }
}
