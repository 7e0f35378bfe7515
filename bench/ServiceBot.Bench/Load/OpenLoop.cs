using System.Diagnostics;
using System.Net;
using System.Text;

namespace ServiceBot.Bench.Load;

/// <summary>Latency at a fixed rate, measured from when each request was due.</summary>
internal sealed record OpenLoopResult(double TargetPerSecond, double AchievedPerSecond, int Sent, int Failed, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// An open-loop load: request i is due at start + i / rate and is sent then, whether or not the
/// earlier ones have been answered. Latency counts from the due time, not from when the request
/// left, so a stalled server or a late sender shows in the tail instead of hiding (no
/// coordinated omission). A request counts as failed unless it gets a 200 (with a passive reply,
/// where the server is expected to give one).
/// </summary>
internal static class OpenLoop
{
    public static async Task<OpenLoopResult> RunAsync(Uri server, IReadOnlyList<WeChatRequest> messages, int offset, double rate, TimeSpan duration, bool expectReply)
    {
        var count = (int)Math.Min(rate * duration.TotalSeconds, messages.Count - offset);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var latencies = new double[count];
        var failed = 0;
        var pending = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        for (var i = 0; i < count; i++)
        {
            var due = (long)(i * ticksPerRequest);
            var wait = due - clock.ElapsedTicks;
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }

            var index = i;
            pending.Add(Task.Run(async () =>
            {
                var message = messages[offset + index];
                using var content = new StringContent(message.Body, Encoding.UTF8, "text/xml");
                try
                {
                    using var response = await http.PostAsync(message.PathAndQuery, content);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK || (expectReply && !body.StartsWith("<xml>", StringComparison.Ordinal)))
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
                catch (TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[index] = (clock.ElapsedTicks - due) * 1000.0 / Stopwatch.Frequency;
            }));
        }

        await Task.WhenAll(pending);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new OpenLoopResult(rate, count / elapsed, count, failed,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
