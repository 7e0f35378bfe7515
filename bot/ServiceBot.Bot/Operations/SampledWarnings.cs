using System.Collections.Concurrent;

namespace ServiceBot.Bot.Operations;

/// <summary>
/// Warnings anyone on the internet can cause (a forged signature, a stale timestamp) are written at
/// most once a minute per kind, with how many were left out since: a flood of bad requests cannot
/// drown the log or fill the disk, and the count still shows.
/// </summary>
internal sealed class SampledWarnings(TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int MaxKinds = 64;

    private readonly ConcurrentDictionary<string, (DateTimeOffset Last, int Skipped)> _kinds = new(
        StringComparer.Ordinal
    );

    /// <summary>Whether to write this one now; <paramref name="skipped"/> counts those left out before it.</summary>
    public bool ShouldWrite(string kind, out int skipped)
    {
        var now = time.GetUtcNow();
        var key = _kinds.Count < MaxKinds || _kinds.ContainsKey(kind) ? kind : "other";
        var written = false;
        var left = 0;
        _kinds.AddOrUpdate(
            key,
            _ =>
            {
                written = true;
                return (now, 0);
            },
            (_, state) =>
            {
                if (now - state.Last >= Interval)
                {
                    written = true;
                    left = state.Skipped;
                    return (now, 0);
                }

                written = false;
                return (state.Last, state.Skipped + 1);
            }
        );
        skipped = left;
        return written;
    }
}
