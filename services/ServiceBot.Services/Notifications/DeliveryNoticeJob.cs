using System.Globalization;
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
        var orderId = data.GetString("orderId")!;
        var status = Enum.Parse<ShipmentStatus>(data.GetString("status")!);
        var attempt = int.TryParse(context.Trigger.JobDataMap.GetString(AttemptKey), out var n) ? n : 1;
        var outcome = await notices.ProcessAsync(orderId, status, attempt, cancellationToken);
        if (outcome is { Verdict: Verdict.Defer, RetryAt: { } at })
        {
            var next = outcome.Rule == PolicyRule.Retry ? attempt + 1 : attempt;
            await context.Scheduler.RescheduleJob(
                context.Trigger.Key,
                OneShotJobs.At(context.JobDetail.Key, at, AttemptKey, next.ToString(CultureInfo.InvariantCulture)),
                cancellationToken
            );
        }
    }

    private const string AttemptKey = "attempt";
}

/// <summary>Schedules a delivery notice when a parcel reaches a status customers are told about.</summary>
internal sealed class DeliveryNoticeScheduler(ISchedulerFactory schedulers, SendOnceOutbox outbox, TimeProvider time)
    : INotificationHandler<ShipmentStatusChanged>
{
    public async ValueTask Handle(ShipmentStatusChanged change, CancellationToken cancellationToken)
    {
        if (!DeliveryNotices.Announced.Contains(change.To))
        {
            return;
        }

        var key = new JobKey(DeliveryNotices.KeyOf(change.Order.OrderId, change.To), DeliveryNoticeJob.Group);
        if (
            await outbox.GetAsync(DeliveryNotices.CustomerOf(change.Order), key.Name, cancellationToken) is
            { State: OutboxState.Sent }
        )
        {
            return; // a replayed courier event after the notice went out
        }

        var job = JobBuilder
            .Create<DeliveryNoticeJob>()
            .WithIdentity(key)
            .UsingJobData("orderId", change.Order.OrderId)
            .UsingJobData("status", change.To.ToString())
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
