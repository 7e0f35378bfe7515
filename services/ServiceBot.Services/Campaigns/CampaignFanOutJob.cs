using Microsoft.Extensions.Logging;
using Quartz;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// One step of a campaign's fan-out per run: build the audience pages, send one page, or retry the
/// recipients held back. It reschedules itself for the next step, so a restart (or another
/// instance, when clustered) picks up at the page where the last one stopped; a page run twice
/// sends nothing twice (the outbox keeps each campaign key once per customer).
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class CampaignFanOutJob(CampaignRunner runner, ILogger<CampaignFanOutJob> logger) : IJob
{
    public const string Group = "campaigns";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var campaignId = context.MergedJobDataMap.GetString("campaignId")!;
        StepStarting(logger, campaignId, context.Recovering);
        var next = await runner.RunStepAsync(campaignId, cancellationToken);
        if (next is { } at)
        {
            await context.Scheduler.RescheduleJob(
                context.Trigger.Key,
                OneShotJobs.At(context.JobDetail.Key, at),
                cancellationToken
            );
        }
        else
        {
            Finished(logger, campaignId);
        }
    }

    [LoggerMessage(
        3101,
        LogLevel.Information,
        "Campaign {CampaignId}: fan-out step starting (recovering from a stopped instance: {Recovering})"
    )]
    private static partial void StepStarting(ILogger logger, string campaignId, bool recovering);

    [LoggerMessage(3102, LogLevel.Information, "Campaign {CampaignId}: fan-out finished")]
    private static partial void Finished(ILogger logger, string campaignId);
}

/// <summary>
/// Schedules a campaign's fan-out at its send time (now, if that has passed); once per campaign. A
/// cancelled campaign's job is deleted; one already running stops at its next step.
/// </summary>
internal sealed class CampaignScheduler(ISchedulerFactory schedulers, CampaignStore campaigns, TimeProvider time)
{
    /// <summary>Cancels what has not gone out yet; false when there is no such campaign.</summary>
    public async Task<bool> CancelAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!await campaigns.CancelAsync(campaignId, time.GetUtcNow(), cancellationToken))
        {
            return false;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(new JobKey(campaignId, CampaignFanOutJob.Group), cancellationToken);
        return true;
    }

    public async Task ScheduleAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        // Posted twice (at once, or on two instances): one fan-out.
        var job = OneShotJobs.Job<CampaignFanOutJob>(
            new JobKey(campaign.CampaignId, CampaignFanOutJob.Group),
            "campaignId",
            campaign.CampaignId
        );
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.ScheduleOnceAsync(
            job,
            campaign.SendAt > time.GetUtcNow() ? campaign.SendAt : time.GetUtcNow(),
            cancellationToken
        );
    }
}
