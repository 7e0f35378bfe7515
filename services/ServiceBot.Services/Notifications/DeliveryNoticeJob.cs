using Mediator;
using Quartz;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Scheduling;
using ServiceBot.Services.Shipments;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// Runs one delivery notice when it is due. A deferral moves its own trigger to the time the policy
/// named; a trigger that misfired (the process was down) fires once when it can, not in a burst.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DeliveryNoticeJob(DeliveryNotices notices) : IJob
{
    public const string Group = "delivery-notices";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var attempt = OneShotJobs.AttemptOf(context);
        var outcome = await notices.ProcessAsync(
            data.GetString("orderId")!,
            data.GetString("status")!,
            attempt,
            cancellationToken
        );
        await outcome.RunAgainIfDeferredAsync(context, attempt, cancellationToken);
    }
}

/// <summary>
/// Schedules a delivery notice when a parcel reaches a status customers are told about, or leaves the
/// shop (the first picked_up or in_transit scan, or the merchant marking the order shipped).
/// </summary>
internal sealed class DeliveryNoticeScheduler(ISchedulerFactory schedulers, SendOnceOutbox outbox, TimeProvider time)
    : INotificationHandler<ShipmentStatusChanged>,
        INotificationHandler<OrderMarkedShipped>
{
    public ValueTask Handle(ShipmentStatusChanged change, CancellationToken cancellationToken) =>
        change.To switch
        {
            ShipmentStatus.PickedUp or ShipmentStatus.InTransit => new ValueTask(
                ScheduleAsync(change.Order, DeliveryNotices.Shipped, cancellationToken)
            ),
            var to when DeliveryNotices.Announced.Contains(to) => new ValueTask(
                ScheduleAsync(change.Order, to.ToString(), cancellationToken)
            ),
            _ => ValueTask.CompletedTask,
        };

    public async ValueTask Handle(OrderMarkedShipped shipped, CancellationToken cancellationToken) =>
        await ScheduleAsync(shipped.Order, DeliveryNotices.Shipped, cancellationToken);

    private async Task ScheduleAsync(Order order, string moment, CancellationToken cancellationToken)
    {
        var key = new JobKey(DeliveryNotices.KeyOf(order.OrderId, moment), DeliveryNoticeJob.Group);
        if (
            DeliveryNotices.CustomerOf(order) is not { } customer
            || await outbox.GetAsync(customer, key.Name, cancellationToken)
                is { State: OutboxState.Sent or OutboxState.Unanswered }
        )
        {
            return; // no customer bound yet, or a replayed courier event after the notice went out (or may have)
        }

        var job = JobBuilder
            .Create<DeliveryNoticeJob>()
            .WithIdentity(key)
            .UsingJobData("orderId", order.OrderId)
            .UsingJobData("status", moment)
            .RequestRecovery()
            .Build();

        // The same status announced again (a replayed event, another instance) finds the job there: one notice.
        await (await schedulers.GetScheduler(cancellationToken)).ScheduleOnceAsync(
            job,
            time.GetUtcNow(),
            cancellationToken
        );
    }
}
