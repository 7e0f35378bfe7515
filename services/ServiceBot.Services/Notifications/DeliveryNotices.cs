using ServiceBot.Services.Conversations;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Notifications;

/// <summary>What processing a notice came to; a deferral says when to try again.</summary>
internal sealed record NoticeOutcome(Verdict Verdict, PolicyRule Rule, DateTimeOffset? RetryAt)
{
    public static NoticeOutcome Dropped(PolicyRule rule) => new(Verdict.Drop, rule, null);
}

/// <summary>
/// Decides and sends one delivery notice: "your parcel is out for delivery". The scheduler calls it
/// when the notice is due; it reads the order and the customer's consents and history, asks the
/// policy, sends through the outbox (once per key), and records every decision in the ledger.
/// </summary>
internal sealed class DeliveryNotices(OrderStore orders, NoticeSender sender, NoticeLedger ledger, TimeProvider time)
{
    /// <summary>The statuses a customer is told about; the others are courier bookkeeping.</summary>
    public static readonly IReadOnlySet<ShipmentStatus> Announced = new HashSet<ShipmentStatus>
    {
        ShipmentStatus.OutForDelivery,
        ShipmentStatus.Arrived,
        ShipmentStatus.Delivered,
        ShipmentStatus.Exception,
    };

    public static string KeyOf(string orderId, ShipmentStatus status) => $"order:{orderId}:{status}";

    /// <summary>Orders belong to WeChat customers: their notices go to that conversation.</summary>
    public static ConversationReference CustomerOf(Order order) => Customers.Of(order.OpenId);

    /// <summary>
    /// Decides and sends the notice; <paramref name="attempt"/> is 1 at first and counts the retries after a busy
    /// channel.
    /// </summary>
    public async Task<NoticeOutcome> ProcessAsync(
        string orderId,
        ShipmentStatus status,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        var key = KeyOf(orderId, status);
        if (await orders.GetAsync(orderId, cancellationToken) is not { Shipment: { } shipment } order)
        {
            return NoticeOutcome.Dropped(PolicyRule.Once);
        }

        var customer = CustomerOf(order);
        if (shipment.Status != status)
        {
            // A newer status came in while this one waited: tell the customer the latest, not a backlog.
            await ledger.RecordAsync(
                customer,
                NoticeRecord.Dropped(
                    key,
                    NoticeTopic.Delivery,
                    PolicyRule.Superseded,
                    time.GetUtcNow(),
                    $"now {shipment.Status}"
                ),
                cancellationToken
            );
            return NoticeOutcome.Dropped(PolicyRule.Superseded);
        }

        var notice = new OutgoingNotice(
            customer,
            new NoticeCandidate(NoticeTopic.Delivery, key),
            [Reply.FromText(NotificationText.DeliveryNotice(order, status))],
            Fields(order, status)
        );
        return await sender.DecideAndSendAsync(notice, attempt, cancellationToken);
    }

    private static Dictionary<string, string> Fields(Order order, ShipmentStatus status) =>
        new()
        {
            ["orderId"] = order.OrderId,
            ["status"] = NotificationText.DeliveryStatusField(status),
            ["carrier"] = order.Shipment!.Carrier,
            ["trackingNumber"] = order.Shipment.TrackingNumber,
            ["location"] = order.Shipment.LatestScan?.Location ?? "",
        };
}
