using System.Globalization;

namespace ServiceBot.Bench.Load;

/// <summary>Reads the bot's Prometheus text at /metrics.</summary>
internal static class Metrics
{
    /// <summary>The sum over all label sets of one metric.</summary>
    public static async Task<double> SumAsync(Uri server, string metric)
    {
        using var http = new HttpClient { BaseAddress = server };
        var text = await http.GetStringAsync("/metrics");
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (
                line.StartsWith(metric, StringComparison.Ordinal)
                && line.Length > metric.Length
                && line[metric.Length] is '{' or ' '
            )
            {
                var value = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..]
                    .Trim()
                    .Split(' ')[0];
                sum += double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    public static Task<double> GaugeAsync(Uri server, string metric) => SumAsync(server, metric);

    /// <summary>Storage requests and turns so far.</summary>
    public static async Task<(double Storage, double Turns)> StorageAndTurnsAsync(Uri server) =>
        (
            await SumAsync(server, "servicebot_storage_requests_total"),
            await SumAsync(server, "servicebot_turn_duration_seconds_count")
        );

    /// <summary>The same, once the turn count has stopped moving (at most 10 s).</summary>
    public static async Task<(double Storage, double Turns)> SettledStorageAndTurnsAsync(Uri server)
    {
        var last = await StorageAndTurnsAsync(server);
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(200);
            var now = await StorageAndTurnsAsync(server);
            if (now == last)
            {
                break;
            }

            last = now;
        }

        return last;
    }
}
