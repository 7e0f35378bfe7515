using Mediator;
using Microsoft.Extensions.Options;
using Quartz;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// Keeps each open case's clock in Quartz: a queued case times out <c>Handoff:QueueTimeout</c> after
/// it was queued, or after agents are back when it was queued outside business hours;
/// a claimed case goes back to the queue when its agent is silent for <c>Handoff:IdleTimeout</c>
/// (every reply, claim or transfer restarts that clock); a closed case has neither.
/// </summary>
internal sealed class HandoffTimeouts(
    ISchedulerFactory schedulers,
    IOptions<HandoffOptions> options,
    IOptions<ShopOptions> shop,
    TimeProvider time
) : INotificationHandler<CaseChanged>
{
    public async ValueTask Handle(CaseChanged changed, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var handoffCase = changed.Case;
        var queue = HandoffTimeoutJob.Key(handoffCase.CaseId, HandoffTimeoutJob.Queue);
        var idle = HandoffTimeoutJob.Key(handoffCase.CaseId, HandoffTimeoutJob.Idle);
        switch (changed.Change)
        {
            case CaseChange.Queued or CaseChange.Requeued:
                await scheduler.DeleteJob(idle, cancellationToken);
                await scheduler.ScheduleOrMoveAsync(
                    OneShotJobs.Job<HandoffTimeoutJob>(queue, "caseId", handoffCase.CaseId),
                    // Outside business hours the wait starts when agents are back, as the customer was told.
                    options.Value.BusinessHours.NextOpen(time.GetUtcNow(), shop.Value.Zone)
                        + options.Value.QueueTimeout,
                    cancellationToken
                );
                break;
            case CaseChange.Claimed or CaseChange.AgentReplied or CaseChange.Transferred:
                await scheduler.DeleteJob(queue, cancellationToken);
                await scheduler.ScheduleOrMoveAsync(
                    OneShotJobs.Job<HandoffTimeoutJob>(idle, "caseId", handoffCase.CaseId),
                    time.GetUtcNow() + options.Value.IdleTimeout,
                    cancellationToken
                );
                break;
            case CaseChange.HandedBack or CaseChange.Resolved or CaseChange.LeftQueue or CaseChange.QueueTimedOut:
                await scheduler.DeleteJob(queue, cancellationToken);
                await scheduler.DeleteJob(idle, cancellationToken);
                break;
        }
    }
}

/// <summary>Runs a case's timeout when it is due; the desk checks the case still deserves it.</summary>
[DisallowConcurrentExecution]
internal sealed class HandoffTimeoutJob(AgentDesk desk) : IJob
{
    public const string Queue = "handoff-queue-timeouts";
    public const string Idle = "handoff-idle-timeouts";

    public static JobKey Key(string caseId, string group) => new(caseId, group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var caseId = context.MergedJobDataMap.GetString("caseId")!;
        if (context.JobDetail.Key.Group == Queue)
        {
            await desk.QueueTimedOutAsync(caseId, cancellationToken);
        }
        else
        {
            await desk.IdleTimedOutAsync(caseId, cancellationToken);
        }
    }
}
