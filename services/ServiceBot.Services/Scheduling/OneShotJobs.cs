using Quartz;

namespace ServiceBot.Services.Scheduling;

/// <summary>
/// How every job here is timed: one trigger per job, named like the job, firing once at a time.
/// A trigger missed while the process was down fires once as soon as it can (not in a burst, not never).
/// </summary>
internal static class OneShotJobs
{
    public static ITrigger At(JobKey job, DateTimeOffset at, string? dataKey = null, string? dataValue = null)
    {
        var trigger = TriggerBuilder
            .Create()
            .WithIdentity(job.Name, job.Group)
            .ForJob(job)
            .StartAt(at)
            .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow));
        return (dataKey is null ? trigger : trigger.UsingJobData(dataKey, dataValue!)).Build();
    }

    /// <summary>
    /// A durable-until-done job that a restarted (or, clustered, another) instance runs again if it was cut off.
    /// </summary>
    public static IJobDetail Job<TJob>(JobKey key, string dataKey, string dataValue)
        where TJob : IJob =>
        JobBuilder.Create<TJob>().WithIdentity(key).UsingJobData(dataKey, dataValue).RequestRecovery().Build();

    /// <summary>
    /// Schedules the job unless one with its key exists (here or, clustered, on another instance); false when it did.
    /// </summary>
    public static async Task<bool> ScheduleOnceAsync(
        this IScheduler scheduler,
        IJobDetail job,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        if (await scheduler.Exists(job.Key, cancellationToken))
        {
            return false;
        }

        try
        {
            await scheduler.ScheduleJob(job, At(job.Key, at), default, cancellationToken);
            return true;
        }
        catch (ObjectAlreadyExistsException)
        {
            return false; // scheduled at the same moment elsewhere: one job
        }
    }

    private const string AttemptKey = "attempt";

    /// <summary>Which try of a retried job this run is: 1 at first.</summary>
    public static int AttemptOf(IJobExecutionContext context) =>
        int.TryParse(context.Trigger.JobDataMap.GetString(AttemptKey), out var n) ? n : 1;

    /// <summary>Runs the job again at <paramref name="at"/>, as try <paramref name="attempt"/>.</summary>
    public static ValueTask<DateTimeOffset?> RunAgainAsync(
        IJobExecutionContext context,
        DateTimeOffset at,
        int attempt,
        CancellationToken cancellationToken
    ) =>
        context.Scheduler.RescheduleJob(
            context.Trigger.Key,
            At(
                context.JobDetail.Key,
                at,
                AttemptKey,
                attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ),
            cancellationToken
        );

    /// <summary>Schedules the job at a new time, replacing it if it exists.</summary>
    public static ValueTask ScheduleOrMoveAsync(
        this IScheduler scheduler,
        IJobDetail job,
        DateTimeOffset at,
        CancellationToken cancellationToken
    ) => scheduler.ScheduleJob(job, [At(job.Key, at)], new ScheduleJobOptions { Replace = true }, cancellationToken);
}
