using Mediator;
using Quartz;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// When a customer withdraws delivery consent (TD, 退订, the settings, unfollowing), the delivery
/// notices already scheduled for their orders are deleted at once, each recorded in the ledger as
/// dropped by the consent rule.
/// </summary>
internal sealed class DeliveryNoticeCancellation(
    ISchedulerFactory schedulers,
    OrderStore orders,
    NoticeLedger ledger,
    TimeProvider time
) : INotificationHandler<ConsentWithdrawn>
{
    private const int RecentOrders = 50;

    public async ValueTask Handle(ConsentWithdrawn withdrawn, CancellationToken cancellationToken)
    {
        if (!withdrawn.Topics.Contains(NoticeTopic.Delivery))
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (
            var order in await orders.ListForCustomerAsync(withdrawn.Customer.UserId, RecentOrders, cancellationToken)
        )
        {
            foreach (var moment in DeliveryNotices.Moments)
            {
                var key = DeliveryNotices.KeyOf(order.OrderId, moment);
                if (await scheduler.DeleteJob(new JobKey(key, DeliveryNoticeJob.Group), cancellationToken))
                {
                    var detail = $"cancelled: consent withdrawn ({withdrawn.Source.ToString().ToLowerInvariant()})";
                    await ledger.RecordAsync(
                        withdrawn.Customer,
                        NoticeRecord.Dropped(key, NoticeTopic.Delivery, PolicyRule.Consent, time.GetUtcNow(), detail),
                        cancellationToken
                    );
                }
            }
        }
    }
}
