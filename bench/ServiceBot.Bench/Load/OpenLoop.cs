using System.Diagnostics;

namespace ServiceBot.Bench.Load;

/// <summary>
/// Latency at a fixed rate, measured from when each request was due; and the driver's own CPU a request.
/// </summary>
/// <remarks>
/// <see cref="WorstByTenth"/>: the worst latency among the requests due in each tenth of a second, to
/// tell a stall from a spread.
/// </remarks>
internal sealed record OpenLoopResult(
    double TargetPerSecond,
    double AchievedPerSecond,
    int Sent,
    int Failed,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double[] WorstByTenth,
    double DriverMicrosecondsPerRequest
);

/// <summary>
/// An open-loop load in the manner of wrk2 (<see cref="LoadLoop"/> with a rate): request i is due
/// at start + i / rate and goes out then, whether or not the earlier ones have been answered, and
/// its latency counts from the due time. The connections are opened and every request is encoded
/// before the clock starts. A request counts as failed unless it gets a 200 (whose body is a
/// passive reply, where the server is expected to give one).
/// </summary>
internal static class OpenLoop
{
    private static readonly byte[] ReplyPrefix = "<xml>"u8.ToArray();

    public static async Task<OpenLoopResult> RunAsync(
        Uri server,
        IReadOnlyList<WeChatRequest> messages,
        int offset,
        double rate,
        TimeSpan duration,
        bool expectReply
    )
    {
        var count = (int)Math.Min(rate * duration.TotalSeconds, messages.Count - offset);
        var requests = new byte[count][];
        Parallel.For(0, count, i => requests[i] = LoadLoop.Post(server, messages[offset + i]));

        // The requests just encoded would otherwise be promoted through the driver's GC generations
        // during the run, and the driver's pauses would read as the server's latency.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var run = await LoadLoop.RunAsync(server, requests, Wrk.Connections, rate, expectReply ? ReplyPrefix : []);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var latencies = run.LatenciesMs;
        var perTenth = Math.Max(1, (int)(rate / 10));
        var worst = latencies.Chunk(perTenth).Select(tenth => tenth.Max()).ToArray();
        Array.Sort(latencies);
        return new OpenLoopResult(
            rate,
            count / run.Seconds,
            count,
            run.Failed,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies[^1],
            worst,
            cpu.TotalMicroseconds / count
        );
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
