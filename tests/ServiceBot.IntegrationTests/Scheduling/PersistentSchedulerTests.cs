using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Scheduling;

/// <summary>The scheduler keeps what it was given across a restart (SQLite job store under Storage:Path).</summary>
public sealed class PersistentSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AJobScheduledBeforeARestart_IsStillThereAfterIt_AndRuns()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-quartz-").FullName;
        var job = new JobKey($"probe-{Guid.NewGuid():N}", "tests");
        using (var first = new BotFactory(folder))
        {
            first.CreateClient().Dispose();
            var scheduler = await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
            var detail = JobBuilder
                .Create<ProbeJob>()
                .WithIdentity(job)
                .UsingJobData("marker", job.Name)
                .StoreDurably()
                .Build();
            var trigger = TriggerBuilder
                .Create()
                .ForJob(job)
                .StartAt(TimeProvider.System.GetUtcNow().AddDays(1))
                .Build();
            await scheduler.ScheduleJob(detail, trigger, default, Ct);
        }

        Assert.True(File.Exists(Path.Combine(folder, "scheduler.db")));
        using (var second = new BotFactory(folder))
        {
            second.CreateClient().Dispose();
            var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
            Assert.True(await scheduler.Exists(job, Ct));

            var ran = ProbeJob.Expect(job.Name);
            await scheduler.TriggerJob(job, new JobDataMap(), Ct);
            Assert.Equal(job.Name, await ran.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Readiness_IncludesTheScheduler()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var scheduler = await bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);

        Assert.Equal("Healthy", await http.GetStringAsync("/readyz", Ct));
        await scheduler.Standby(Ct);
        using var notReady = await http.GetAsync("/readyz", Ct);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
    }

    /// <summary>Completes the waiting test when it runs.</summary>
    public sealed class ProbeJob : IJob
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<
            string,
            TaskCompletionSource<string>
        > Waiting = new();

        public static Task<string> Expect(string marker) =>
            Waiting
                .GetOrAdd(marker, _ => new TaskCompletionSource<string>(
                    TaskCreationOptions.RunContinuationsAsynchronously
                ))
                .Task;

        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var marker = context.MergedJobDataMap.GetString("marker")!;
            Waiting
                .GetOrAdd(marker, _ => new TaskCompletionSource<string>(
                    TaskCreationOptions.RunContinuationsAsynchronously
                ))
                .TrySetResult(marker);
            return ValueTask.CompletedTask;
        }
    }
}
