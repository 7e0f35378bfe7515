using System.Diagnostics;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench;

/// <summary>
/// The per-turn storage pattern (read the conversation, write it back conditionally) for many
/// distinct users, with several turns in flight, on each local format, in one run.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task<double> TurnsPerSecondAsync(
        IDocumentStore store,
        int users,
        int turnsPerUser,
        int concurrency
    )
    {
        var content = new byte[600];
        Random.Shared.NextBytes(content);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, users),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (user, ct) =>
            {
                var key = $"conversations/bench/u{user}";
                for (var turn = 0; turn < turnsPerUser; turn++)
                {
                    var current = await store.ReadAsync(key, ct);
                    var written = await store.TryWriteAsync(key, content, WriteCondition.Expect(current?.ETag), ct);
                    if (written is null)
                    {
                        throw new InvalidOperationException("Unexpected conflict: one writer per user.");
                    }
                }
            }
        );
        return users * turnsPerUser / clock.Elapsed.TotalSeconds;
    }
}
