using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Privacy;

/// <summary>
/// Erases closed cases, transcript and photos, <c>Privacy:RetentionDays</c> after they closed. Every
/// instance sweeps every 6 hours; deleting twice is harmless.
/// </summary>
internal sealed partial class ClosedCaseRetention(
    IDocumentStore store,
    HandoffCaseStore cases,
    CustomerPhotos photos,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<ClosedCaseRetention> logger
) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(6);

    /// <summary>One pass; answers how many cases were erased.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().AddDays(-options.Value.RetentionDays);
        var erased = 0;
        var ids = new List<string>();
        await foreach (var key in store.ListKeysAsync("handoff/cases/", cancellationToken))
        {
            ids.Add(key["handoff/cases/".Length..]);
        }

        foreach (var id in ids)
        {
            if (
                await cases.GetAsync(id, cancellationToken) is { State: CaseState.Closed, ClosedAt: { } closed } old
                && closed < before
            )
            {
                foreach (var photo in old.Entries.Select(e => e.PhotoId).OfType<string>())
                {
                    await photos.DeleteAsync(photo, cancellationToken);
                }

                await cases.DeleteAsync(id, cancellationToken);
                erased++;
            }
        }

        if (erased > 0)
        {
            LogErased(erased, options.Value.RetentionDays);
        }

        return erased;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is StorageUnavailableException or InvalidDataException)
            {
                LogSweepFailed(e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Count} cases closed more than {Days} days ago")]
    private partial void LogErased(int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The closed-case retention sweep failed; it runs again later")]
    private partial void LogSweepFailed(Exception exception);
}
