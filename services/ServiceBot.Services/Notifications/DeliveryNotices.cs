using ServiceBot.Services.Conversations;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Notifications;

/// <summary>What processing a notice came to; a deferral says when to try again, a send on which channel.</summary>
internal sealed record NoticeOutcome(Verdict Verdict, PolicyRule Rule, DateTimeOffset? RetryAt)
{
    public NoticeChannel? Channel { get; init; }

    public static NoticeOutcome Dropped(PolicyRule rule) => new(Verdict.Drop, rule, null);

    /// <summary>
    /// A deferral runs the notice's job again when the policy said; a busy channel's counts as the next try.
    /// </summary>
    public async Task RunAgainIfDeferredAsync(
        Quartz.IJobExecutionContext context,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        if (this is { Verdict: Verdict.Defer, RetryAt: { } at })
        {
            var next = Rule == PolicyRule.Retry ? attempt + 1 : attempt;
            await Scheduling.OneShotJobs.RunAgainAsync(context, at, next, cancellationToken);
        }
    }
}

/// <summary>
/// Decides and sends one delivery notice: "your order has shipped", "your parcel is out for delivery".
/// The scheduler calls it when the notice is due; it reads the order and the customer's consents and
/// history, asks the policy, sends through the outbox (once per key), and records every decision in
/// the ledger. A notice is named by its moment: <see cref="Shipped"/> or an announced status.
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

    /// <summary>
    /// The order left the shop: the first picked_up or in_transit scan, or the merchant marking it shipped. Once
    /// per order, as the opt-in promises.
    /// </summary>
    public const string Shipped = "Shipped";

    /// <summary>Every moment a customer may hear about, in the order a parcel reaches them.</summary>
    public static IEnumerable<string> Moments => [Shipped, .. Announced.Select(s => s.ToString())];

    public static string KeyOf(string orderId, ShipmentStatus status) => KeyOf(orderId, status.ToString());

    public static string KeyOf(string orderId, string moment) => $"order:{orderId}:{moment}";

    /// <summary>Orders belong to WeChat customers, and their notices go there; an unbound order has none.</summary>
    public static ConversationReference? CustomerOf(Order order) =>
        order.OpenId is { } openId ? Customers.Of(openId) : null;

    /// <summary>
    /// Decides and sends the notice; <paramref name="attempt"/> is 1 at first and counts the retries after a busy
    /// channel.
    /// </summary>
    public async Task<NoticeOutcome> ProcessAsync(
        string orderId,
        string moment,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        var key = KeyOf(orderId, moment);
        ShipmentStatus? status = moment == Shipped ? null : Enum.Parse<ShipmentStatus>(moment);
        if (
            await orders.GetAsync(orderId, cancellationToken) is not { } order
            || status is not null && order.Shipment is null
        )
        {
            return NoticeOutcome.Dropped(PolicyRule.Once);
        }

        if (CustomerOf(order) is not { } customer)
        {
            return NoticeOutcome.Dropped(PolicyRule.Consent); // nobody to tell yet: the order waits for its customer
        }

        var shipment = order.Shipment;
        var superseded = status is null
            ? shipment is not null && Announced.Contains(shipment.Status)
            : shipment!.Status != status;
        if (superseded)
        {
            // A newer status came in while this one waited: tell the customer the latest, not a backlog.
            await ledger.RecordAsync(
                customer,
                NoticeRecord.Dropped(
                    key,
                    NoticeTopic.Delivery,
                    PolicyRule.Superseded,
                    time.GetUtcNow(),
                    $"now {shipment!.Status}"
                ),
                cancellationToken
            );
            return NoticeOutcome.Dropped(PolicyRule.Superseded);
        }

        var notice = new OutgoingNotice(
            customer,
            new NoticeCandidate(NoticeTopic.Delivery, key) { Template = TemplateKind.Delivery },
            [
                Reply.FromText(
                    status is { } s ? NotificationText.DeliveryNotice(order, s) : NotificationText.ShippedNotice(order)
                ),
            ],
            Fields(order, status)
        );
        return await sender.DecideAndSendAsync(notice, attempt, cancellationToken);
    }

    private static Dictionary<string, string> Fields(Order order, ShipmentStatus? status) =>
        new()
        {
            ["orderId"] = order.OrderId,
            ["status"] = status is { } s ? NotificationText.DeliveryStatusField(s) : NotificationText.ShippedField,
            ["carrier"] = order.Shipment?.Carrier ?? "",
            ["trackingNumber"] = order.Shipment?.TrackingNumber ?? "",
            ["location"] = order.Shipment?.LatestScan?.Location ?? "",
        };
}
