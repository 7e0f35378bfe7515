using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ServiceBot.Bench.Load;

/// <summary>A closed-loop run of wrk: as fast as the server answers, with a fixed number of connections.</summary>
internal sealed record WrkResult(
    long Requests,
    double Seconds,
    long StatusErrors,
    long SocketErrors,
    double P50Ms,
    double P99Ms,
    long Repeats
)
{
    public double PerSecond => Requests / Seconds;
}

internal static partial class Wrk
{
    public const int Threads = 2;

    public const int Connections = 64;

    /// <summary>
    /// Sends the messages of <paramref name="file"/> from line <paramref name="offset"/> on for
    /// <paramref name="seconds"/>; each line is sent at most once unless the result counts repeats.
    /// </summary>
    public static async Task<WrkResult> RunAsync(Uri server, string script, string file, long offset, int seconds)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            var argument in new[]
            {
                "-t",
                Threads.ToString(CultureInfo.InvariantCulture),
                "-c",
                Connections.ToString(CultureInfo.InvariantCulture),
                "-d",
                $"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script,
                server.AbsoluteUri,
                "--",
                file,
                offset.ToString(CultureInfo.InvariantCulture),
                Threads.ToString(CultureInfo.InvariantCulture),
            }
        )
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = ResultLine().Match(output);
        if (process.ExitCode != 0 || !match.Success)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output} {errors}");
        }

        long Field(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        return new WrkResult(
            Field("requests"),
            Field("duration") / 1e6,
            Field("status"),
            Field("socket"),
            Field("p50") / 1e3,
            Field("p99") / 1e3,
            Field("repeats")
        );
    }

    [GeneratedRegex(
        @"RESULT requests=(?<requests>\d+) duration_us=(?<duration>\d+) status_errors=(?<status>\d+) "
            + @"socket_errors=(?<socket>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+) repeats=(?<repeats>\d+)"
    )]
    private static partial Regex ResultLine();
}
