using System.Globalization;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// What the customer reads about notices, in the order they meet it. Settings replies come in
/// Chinese or English; notices go out outside any turn, so they carry both languages.
/// </summary>
internal static class NotificationText
{
    public static string SettingsTitle(bool english) => english ? "Notification settings" : "通知设置";

    public static string Settings(Consents consents, bool english, TimeZoneInfo zone)
    {
        var delivery = Since(consents.Latest(NoticeTopic.Delivery), english, zone);
        var promotion = Since(consents.Latest(NoticeTopic.Promotion), english, zone);
        var deliveryOn = consents.IsOptedIn(NoticeTopic.Delivery);
        var promotionOn = consents.IsOptedIn(NoticeTopic.Promotion);
        return english
            ? $"Your notices:\nDelivery updates: {delivery}\nOffers and promotions: {promotion}\n\n"
                + $"Reply 1 to turn delivery updates {(deliveryOn ? "off" : "on")}, "
                + $"2 to turn offers {(promotionOn ? "off" : "on")}, 3 to turn everything off."
            : $"您的通知设置：\n物流通知：{delivery}\n优惠活动通知：{promotion}\n\n"
                + $"回复 1 {(deliveryOn ? "关闭" : "开启")}物流通知，"
                + $"2 {(promotionOn ? "关闭" : "开启")}优惠活动通知，3 全部关闭。";
    }

    public static string OfferDeliveryNotices(Uri? link, bool english) =>
        (link, english) switch
        {
            (null, false) => "想在包裹派送和签收时收到通知吗？回复“通知”开启。",
            (null, true) => "Want to hear when it's out for delivery and arrives? Reply \"notices\" to turn them on.",
            (_, false) => $"想在包裹派送和签收时收到通知吗？回复“通知”开启，或点这里：{link}",
            _ => $"Want to hear when it's out for delivery and arrives? Reply \"notices\", or tap here: {link}",
        };

    /// <summary>After an opt-in, with a consent page: what lets a notice through outside the window.</summary>
    public static string NextNoticeLink(Uri link, bool english) =>
        english
            ? $"If you don't write to us for two days, WeChat lets a notice through only with your OK: {link}"
            : $"如果您两天没有联系我们，微信需要您点一下同意才能送达通知：{link}";

    /// <summary>The change, and for an opt-in the caps as configured: what is agreed to is what comes.</summary>
    public static string Switched(NoticeTopic topic, bool optedIn, bool english, PolicyOptions caps) =>
        (topic, optedIn, english) switch
        {
            (NoticeTopic.Delivery, true, false) =>
                $"已开启物流通知：包裹发出、派送和签收时会通知您，每个状态最多一条，每天最多 {caps.DeliveryNoticesPerDay} 条，"
                    + $"只在 {caps.DeliveryHours.Start:HH\\:mm}–{caps.DeliveryHours.End:HH\\:mm} 发送。",
            (NoticeTopic.Delivery, true, true) =>
                "Delivery updates are on: you'll hear when your parcel ships, is out for delivery and arrives — "
                    + $"at most one message per step and {caps.DeliveryNoticesPerDay} a day, only "
                    + $"{caps.DeliveryHours.Start:HH\\:mm}–{caps.DeliveryHours.End:HH\\:mm}.",
            (NoticeTopic.Delivery, false, false) => "已关闭物流通知。",
            (NoticeTopic.Delivery, false, true) => "Delivery updates are off.",
            (_, true, false) =>
                $"已开启优惠活动通知：每天最多 {caps.PromotionsPerDay} 条，每周最多 {caps.PromotionsPerWeek} 条，"
                    + $"只在 {caps.PromotionHours.Start:HH\\:mm}–{caps.PromotionHours.End:HH\\:mm} 发送。随时回复 TD 退订。",
            (_, true, true) =>
                $"Offers are on: at most {caps.PromotionsPerDay} a day and {caps.PromotionsPerWeek} a week, only "
                    + $"{caps.PromotionHours.Start:HH\\:mm}–{caps.PromotionHours.End:HH\\:mm}. "
                    + "Reply TD to stop any time.",
            (_, false, false) => "已关闭优惠活动通知。",
            _ => "Offers are off.",
        };

    public static string AllOff(bool english) =>
        english ? "Done: both kinds of notice are off." : "好的，两类通知都已关闭。";

    public static string PickOneTwoOrThree(bool english) =>
        english
            ? "Please reply 1, 2 or 3, or \"cancel\" to keep things as they are."
            : "请回复 1、2 或 3，回复“取消”保持不变。";

    public static string NothingChanged(bool english) =>
        english ? "Nothing changed. Reply \"notifications\" any time." : "设置没有改变。需要时回复“通知”再来。";

    public static string Unsubscribed(bool english) =>
        english
            ? "Unsubscribed: you will get no more delivery or promotion notices. "
                + "Reply \"notifications\" to turn them back on."
            : "已退订：物流通知和优惠活动通知都不会再发给您。需要时回复“通知”可以重新开启。";

    public static string DeliveryNotice(Order order, ShipmentStatus status)
    {
        var shipment = order.Shipment!;
        var what = status switch
        {
            ShipmentStatus.OutForDelivery => "正在派送，请留意收件 / is out for delivery",
            ShipmentStatus.Arrived => "已到达自提点 / is waiting at the pickup point",
            ShipmentStatus.Delivered => "已签收 / has been delivered",
            _ => "派送遇到问题，快递正在处理 / hit a delivery problem; the courier is on it",
        };
        var where = shipment.LatestScan?.Location is { Length: > 0 } location ? $"（{location}）" : "";
        return $"您的订单 {order.OrderId} {what}{where}\n{shipment.Carrier} {shipment.TrackingNumber}\n"
            + "回复 TD 退订通知 / Reply TD to stop notices";
    }

    /// <summary>The status as the delivery template message shows it.</summary>
    public static string ShippedNotice(Order order)
    {
        var parcel = order.Shipment is { } shipment ? $"\n{shipment.Carrier} {shipment.TrackingNumber}" : "";
        return $"您的订单 {order.OrderId} 已发货 / has shipped{parcel}\n回复 TD 退订通知 / Reply TD to stop notices";
    }

    public const string ShippedField = "已发货";

    public static string DeliveryStatusField(ShipmentStatus status) =>
        status switch
        {
            ShipmentStatus.OutForDelivery => "派送中",
            ShipmentStatus.Arrived => "待取件",
            ShipmentStatus.Delivered => "已签收",
            _ => "派送异常",
        };

    private static string Since(ConsentChange? change, bool english, TimeZoneInfo zone)
    {
        if (change is null)
        {
            return english ? "off" : "未开启";
        }

        var local = TimeZoneInfo.ConvertTime(change.At, zone);
        var date = local.ToString(english ? "d MMM" : "M月d日", CultureInfo.InvariantCulture);
        return change.OptedIn
            ? (english ? $"on (since {date})" : $"已开启（{date}起）")
            : (english ? $"off (since {date})" : $"已关闭（{date}起）");
    }
}
