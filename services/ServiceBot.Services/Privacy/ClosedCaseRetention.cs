using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Scheduling;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Privacy;

/// <summary>
/// Erases closed cases, transcript and photos, <c>Privacy:RetentionDays</c> after they closed.
/// </summary>
internal sealed partial class ClosedCaseRetention(
    IDocumentStore store,
    HandoffCaseStore cases,
    CustomerPhotos photos,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<ClosedCaseRetention> logger
) : PeriodicSweep(time, logger)
{
    /// <summary>One pass; answers how many cases were erased.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = Time.GetUtcNow().AddDays(-options.Value.RetentionDays);
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
            LogErased(Logger, erased, options.Value.RetentionDays);
        }

        return erased;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Count} cases closed more than {Days} days ago")]
    private static partial void LogErased(ILogger logger, int count, int days);
}
