using ServiceBot.Services.Conversations;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Policy;

namespace ServiceBot.Services.Notifications;

/// <summary>What processing a notice came to; a deferral says when to try again.</summary>
public sealed record NoticeOutcome(Verdict Verdict, PolicyRule Rule, DateTimeOffset? RetryAt);

/// <summary>
/// Decides and sends one delivery notice: "your parcel is out for delivery". The scheduler calls it
/// when the notice is due; it reads the order and the customer's consents and history, asks the
/// policy, claims the notice key, sends, and records every decision in the ledger.
/// </summary>
public sealed class DeliveryNotices(
    OrderStore orders,
    ConversationStateStore conversations,
    NoticeLedger ledger,
    ProactiveMessenger messenger,
    NoticePolicy policy,
    TimeProvider time)
{
    /// <summary>The statuses a customer is told about; the others are courier bookkeeping.</summary>
    public static readonly IReadOnlySet<ShipmentStatus> Announced =
        new HashSet<ShipmentStatus> { ShipmentStatus.OutForDelivery, ShipmentStatus.Arrived, ShipmentStatus.Delivered, ShipmentStatus.Exception };

    public static string KeyOf(string orderId, ShipmentStatus status) => $"order:{orderId}:{status}";

    public async Task<NoticeOutcome> ProcessAsync(string orderId, ShipmentStatus status, CancellationToken cancellationToken)
    {
        var key = KeyOf(orderId, status);
        if (await orders.GetAsync(orderId, cancellationToken) is not { Shipment: { } shipment } order)
        {
            return new NoticeOutcome(Verdict.Drop, PolicyRule.Once, null);
        }

        var customer = new ConversationReference("wechat", order.OpenId);
        var now = time.GetUtcNow();
        if (shipment.Status != status)
        {
            // A newer status came in while this one waited: tell the customer the latest, not a backlog.
            await ledger.RecordAsync(customer, new NoticeRecord(key, NoticeTopic.Delivery, Verdict.Drop, PolicyRule.Superseded, null, now, null, $"now {shipment.Status}"), cancellationToken);
            return new NoticeOutcome(Verdict.Drop, PolicyRule.Superseded, null);
        }

        var history = await HistoryAsync(customer, cancellationToken);
        var decision = policy.Decide(new NoticeCandidate(NoticeTopic.Delivery, key), history, now);
        if (decision.Verdict == Verdict.Send && !await ledger.TryClaimAsync(customer, key, cancellationToken))
        {
            return new NoticeOutcome(Verdict.Drop, PolicyRule.Once, null);
        }

        string? detail = null;
        if (decision.Verdict == Verdict.Send)
        {
            var sent = await messenger.SendAsync(customer, [Reply.FromText(Text(order, status))], cancellationToken);
            detail = sent.IsSent ? null : $"{sent.Status}: {sent.Detail}";
            decision = sent.IsSent ? decision : NoticeDecision.Drop(PolicyRule.Channel);
        }

        await ledger.RecordAsync(customer, new NoticeRecord(key, NoticeTopic.Delivery, decision.Verdict, decision.Rule, decision.Channel, now, decision.NotBefore, detail), cancellationToken);
        return new NoticeOutcome(decision.Verdict, decision.Rule, decision.NotBefore);
    }

    private async Task<CustomerHistory> HistoryAsync(ConversationReference customer, CancellationToken cancellationToken)
    {
        var record = (await conversations.LoadAsync(customer, cancellationToken)).Record;
        var sent = (await ledger.ListAsync(customer, cancellationToken))
            .Where(r => r.Verdict == Verdict.Send && r.Channel is not null)
            .Select(r => new SentNotice(r.Topic, r.Key, r.At, r.Channel!.Value))
            .ToArray();
        return new CustomerHistory(Consents.Of(record), new Dictionary<NoticeTopic, int>(), record.LastUserMessageAt, record.LastUserMessageAt, sent);
    }

    private static string Text(Order order, ShipmentStatus status)
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
        return $"您的订单 {order.OrderId} {what}{where}\n{shipment.Carrier} {shipment.TrackingNumber}\n回复 TD 退订通知 / Reply TD to stop notices";
    }
}
