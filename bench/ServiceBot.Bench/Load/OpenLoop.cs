using System.Diagnostics;

namespace ServiceBot.Bench.Load;

/// <summary>Latency at a fixed rate, measured from when each request was due.</summary>
/// <remarks><see cref="WorstByTenth"/>: the worst latency among the requests due in each tenth of a second, to tell a stall from a spread.</remarks>
internal sealed record OpenLoopResult(double TargetPerSecond, double AchievedPerSecond, int Sent, int Failed, double P50Ms, double P99Ms, double MaxMs, double[] WorstByTenth);

/// <summary>
/// An open-loop load in the manner of wrk2: request i is due at start + i / rate and goes out then
/// on whichever of the connections is free, whether or not the earlier ones have been answered.
/// Latency counts from the due time, not from when the request left, so a stalled server shows in
/// the tail instead of hiding (no coordinated omission). The connections are opened and every
/// request is encoded before the clock starts. A request counts as failed unless it gets a 200
/// (whose body is a passive reply, where the server is expected to give one).
/// </summary>
internal static class OpenLoop
{
    private static readonly byte[] ReplyPrefix = "<xml>"u8.ToArray();

    public static async Task<OpenLoopResult> RunAsync(Uri server, IReadOnlyList<WeChatRequest> messages, int offset, double rate, TimeSpan duration, bool expectReply)
    {
        var count = (int)Math.Min(rate * duration.TotalSeconds, messages.Count - offset);
        var requests = new byte[count][];
        Parallel.For(0, count, i => requests[i] = RawHttpConnection.Post(server, messages[offset + i]));
        var connections = await OpenAsync(server, Wrk.Connections);
        var prefix = expectReply ? ReplyPrefix : [];

        // The requests just encoded would otherwise be promoted through the driver's GC generations
        // during the run, and the driver's pauses would read as the server's latency.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var latencies = new double[count];
        var clock = Stopwatch.StartNew();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var failed = await SendEachAsync(connections, count, async (connection, i) =>
        {
            var due = (long)(i * ticksPerRequest);
            var wait = due - clock.ElapsedTicks;
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }

            // Sent up to a millisecond early rather than spin: then it counts from when it left.
            var from = Math.Min(due, clock.ElapsedTicks);
            var ok = await connection.SendAsync(requests[i], prefix);
            latencies[i] = (clock.ElapsedTicks - from) * 1000.0 / Stopwatch.Frequency;
            return ok;
        });

        var elapsed = clock.Elapsed.TotalSeconds;

        var perTenth = Math.Max(1, (int)(rate / 10));
        var worst = latencies.Chunk(perTenth).Select(tenth => tenth.Max()).ToArray();
        Array.Sort(latencies);
        return new OpenLoopResult(rate, count / elapsed, count, failed,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1], worst);
    }

    /// <summary>
    /// Sends requests 0 to <paramref name="count"/> - 1, each on whichever connection is free next,
    /// and returns how many failed; the connections are closed after.
    /// </summary>
    public static async Task<int> SendEachAsync(RawHttpConnection[] connections, int count, Func<RawHttpConnection, int, Task<bool>> send)
    {
        var failed = 0;
        var next = -1;
        await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (!await send(connection, i))
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        return failed;
    }

    /// <summary>Opens <paramref name="count"/> keep-alive connections to <paramref name="server"/>.</summary>
    public static async Task<RawHttpConnection[]> OpenAsync(Uri server, int count)
    {
        var connections = Enumerable.Range(0, count).Select(_ => new RawHttpConnection(server)).ToArray();
        await Task.WhenAll(connections.Select(c => c.ConnectAsync()));
        return connections;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
