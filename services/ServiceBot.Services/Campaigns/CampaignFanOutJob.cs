using Quartz;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// One step of a campaign's fan-out per run: build the audience pages, send one page, or retry the
/// recipients held back. It reschedules itself for the next step, so a restart (or another
/// instance, when clustered) picks up at the page where the last one stopped; a page run twice
/// sends nothing twice (the outbox keeps each campaign key once per customer).
/// </summary>
[DisallowConcurrentExecution]
internal sealed class CampaignFanOutJob(CampaignRunner runner) : IJob
{
    public const string Group = "campaigns";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var campaignId = context.MergedJobDataMap.GetString("campaignId")!;
        if (await runner.RunStepAsync(campaignId, cancellationToken) is { } next)
        {
            await context.Scheduler.RescheduleJob(context.Trigger.Key, Trigger(context.JobDetail.Key, next), cancellationToken);
        }
    }

    public static ITrigger Trigger(JobKey job, DateTimeOffset at) => TriggerBuilder.Create()
        .WithIdentity(job.Name, Group)
        .ForJob(job)
        .StartAt(at)
        .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
        .Build();
}

/// <summary>Schedules a campaign's fan-out at its send time (now, if that has passed); once per campaign.</summary>
public sealed class CampaignScheduler(ISchedulerFactory schedulers, TimeProvider time)
{
    public async Task ScheduleAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var key = new JobKey(campaign.CampaignId, CampaignFanOutJob.Group);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await scheduler.Exists(key, cancellationToken))
        {
            return;
        }

        var job = JobBuilder.Create<CampaignFanOutJob>()
            .WithIdentity(key)
            .UsingJobData("campaignId", campaign.CampaignId)
            .RequestRecovery()
            .Build();
        var at = campaign.SendAt > time.GetUtcNow() ? campaign.SendAt : time.GetUtcNow();
        try
        {
            await scheduler.ScheduleJob(job, CampaignFanOutJob.Trigger(key, at), default, cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Posted twice at once (or on two instances): one fan-out.
        }
    }

    /// <summary>True while the campaign's fan-out still has steps to run.</summary>
    public async Task<bool> IsRunningAsync(string campaignId, CancellationToken cancellationToken) =>
        await (await schedulers.GetScheduler(cancellationToken)).Exists(new JobKey(campaignId, CampaignFanOutJob.Group), cancellationToken);
}
