using System.Globalization;
using System.Text;

namespace ServiceBot.Services.Orders;

/// <summary>How orders read on a phone, in Chinese or English; times in the customer's zone.</summary>
internal static class OrderText
{
    public static string TrackTitle(bool english) => english ? "Track my order" : "查订单 / 物流";

    public static string NoOrdersFound(bool english) =>
        english
            ? "I couldn't find any orders for you. If you ordered in our shop or from another account, "
                + "send me the order number."
            : "没有找到您名下的订单。如果您是在网店或用其他微信号下单的，请直接发送订单号给我。";

    public static string RecentOrders(IReadOnlyList<Order> recent, bool english, TimeZoneInfo zone)
    {
        var text = new StringBuilder(english ? "Your recent orders:\n" : "您最近的订单：\n");
        for (var i = 0; i < recent.Count; i++)
        {
            text.AppendLine(ListLine(i + 1, recent[i], english, zone));
        }

        text.Append(english ? "Reply with a number to see one." : "回复序号查看详情。");
        return text.ToString();
    }

    public static string PickByNumberOrId(int count, bool english) =>
        english
            ? $"Please reply with a number from 1 to {count}, or the order number. Reply \"cancel\" to stop."
            : $"请回复 1 到 {count} 之间的序号，或者发送订单号。回复“取消”结束查询。";

    public static string StillNotUnderstood(bool english) =>
        english
            ? "Sorry, I still didn't get which one. Send me the order number, or reply \"menu\" for other help."
            : "抱歉，我还是没看明白。您可以直接发送订单号，或回复“菜单”看看其他服务。";

    public static string OrderNotFound(string orderId, bool english) =>
        english
            ? $"I couldn't find order {orderId}. Please check the number; I can only show your own orders."
            : $"没有找到订单 {orderId}。请核对订单号；只能查询您本人的订单。";

    public static string Detail(Order order, bool english, TimeZoneInfo zone)
    {
        var text = new StringBuilder();
        text.AppendLine(
            english
                ? $"Order {order.OrderId} (placed {Date(order.PlacedAt, english, zone)})"
                : $"订单 {order.OrderId}（{Date(order.PlacedAt, english, zone)}下单）"
        );
        text.AppendLine((english ? "Status: " : "状态：") + Status(order.Status, english));
        text.AppendLine(
            (english ? "Items: " : "商品：")
                + string.Join(english ? ", " : "，", order.Items.Select(i => $"{i.Name} ×{i.Quantity}"))
        );
        if (order.Shipment is { } shipment)
        {
            text.AppendLine((english ? "Carrier: " : "快递：") + $"{shipment.Carrier} {shipment.TrackingNumber}");
            var scan = shipment.LatestScan;
            var where = scan?.Location is { Length: > 0 } location ? $" · {location}" : "";
            var when = scan is null ? "" : $" · {Time(scan.At, english, zone)}";
            text.AppendLine(
                (english ? "Tracking: " : "物流：") + Status(scan?.Status ?? shipment.Status, english) + where + when
            );
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
        var status = order.Shipment is { } s
            ? Status(s.LatestScan?.Status ?? s.Status, english)
            : Status(order.Status, english);
        return $"{number}. {order.OrderId} · {Date(order.PlacedAt, english, zone)} · {first}{more} · {status}";
    }

    public static string Status(OrderStatus status, bool english) =>
        status switch
        {
            OrderStatus.Paid => english ? "paid, waiting to ship" : "已付款，待发货",
            OrderStatus.Shipped => english ? "shipped" : "已发货",
            OrderStatus.Delivered => english ? "delivered" : "已签收",
            _ => english ? "cancelled" : "已取消",
        };

    public static string Status(ShipmentStatus status, bool english) =>
        status switch
        {
            ShipmentStatus.PickedUp => english ? "picked up by the courier" : "快递已揽收",
            ShipmentStatus.InTransit => english ? "in transit" : "运输中",
            ShipmentStatus.OutForDelivery => english ? "out for delivery" : "派送中",
            ShipmentStatus.Arrived => english ? "arrived at the pickup point" : "已到达自提点",
            ShipmentStatus.Delivered => english ? "delivered" : "已签收",
            _ => english ? "delivery problem, the courier is on it" : "派送异常，快递正在处理",
        };

    public static string WelcomeByScan(bool english) => english ? "Hello and welcome! " : "您好，欢迎关注！";

    public static string Bound(string orderId, bool english) =>
        english ? $"Order {orderId} is now linked to your WeChat." : $"已为您绑定订单 {orderId}。";

    public static string BoundToSomeoneElse(string orderId, bool english) =>
        english
            ? $"Order {orderId} is already linked to another WeChat account, so I can't link it to yours. "
                + "Reply \"agent\" if that's wrong."
            : $"订单 {orderId} 已经绑定了其他微信号，不能再绑定到您的微信。如有疑问请回复“人工”。";

    public static string ScanExpired(bool english) =>
        english
            ? "This QR code no longer works. Send me your order number and I'll look it up."
            : "这个二维码已失效。请直接发送订单号给我，我来帮您查。";

    public static string AskPhoneTail(string orderId, bool english) =>
        english
            ? $"Order {orderId} isn't linked to your WeChat yet. Reply with the last four digits of the phone "
                + "number on the order and I'll link it."
            : $"订单 {orderId} 还没有绑定微信。请回复下单时留的手机号后四位，我来帮您绑定。";

    public static string PhoneTailWrong(int triesLeft, bool english) =>
        english
            ? $"Those digits don't match the order. You can try {triesLeft} more time(s) today."
            : $"手机号后四位不对。今天还可以再试 {triesLeft} 次。";

    public static string TooManyTries(bool english) =>
        english
            ? "Too many tries today. Please try again tomorrow, or reply \"agent\" for a person."
            : "今天尝试次数过多，请明天再试，或回复“人工”联系客服。";

    public static string AskOrderNumber(bool english) =>
        english ? "Please send me the order number, e.g. A1001." : "请发送订单号，例如 A1001。";

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
