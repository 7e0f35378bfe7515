using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Insights;

/// <summary>Writes the counted numbers to the store every 10 seconds, and once more at shutdown.</summary>
internal sealed partial class InsightsFlush(InsightsStore insights, TimeProvider time, ILogger<InsightsFlush> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await insights.FlushAsync(cancellationToken);
        }
        // A store closed first (one shared by two hosts in a process) loses these seconds' counts, as a crash would.
        catch (Exception e)
            when (e is StorageUnavailableException or StorageConflictException or ObjectDisposedException)
        {
            NotFlushed(logger, e);
        }
    }

    [LoggerMessage(
        7102,
        LogLevel.Warning,
        "The back office's numbers could not be written; they are kept for the next try."
    )]
    private static partial void NotFlushed(ILogger logger, Exception exception);
}
