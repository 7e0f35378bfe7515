using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Scheduling;

/// <summary>
/// A clean-up every instance runs at start and every 6 hours (retention of anonymous visitors, of
/// closed cases). Sweeps delete what is past its time, so running twice, or on two instances, is
/// harmless; a sweep the store cut short is logged and runs again next time.
/// </summary>
internal abstract partial class PeriodicSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(6);

    protected ILogger Logger { get; } = logger;

    protected TimeProvider Time { get; } = time;

    /// <summary>One pass; answers how many things it removed.</summary>
    public abstract Task<int> SweepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, Time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is StorageUnavailableException or InvalidDataException)
            {
                LogSweepFailed(Logger, GetType().Name, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Sweep} sweep failed; it runs again later")]
    private static partial void LogSweepFailed(ILogger logger, string sweep, Exception exception);
}
