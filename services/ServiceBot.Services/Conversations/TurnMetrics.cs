using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// <c>servicebot.turn.duration</c> (seconds, by channel and whether the turn was a channel's retry
/// of a handled message) and <c>servicebot.replies</c> (by channel and delivery: passive in the
/// webhook's answer, or pushed afterwards).
/// </summary>
internal static class TurnMetrics
{
    public const string MeterName = "ServiceBot.Turns";

    private static readonly Meter Meter = new(MeterName);

    // A span for each turn; its storage calls and WeChat calls are its children.
    private static readonly ActivitySource Spans = new(MeterName);

    internal static System.Diagnostics.Activity? StartTurn(string channel)
    {
        var span = Spans.StartActivity("turn");
        span?.SetTag("servicebot.channel", channel);
        return span;
    }

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "servicebot.turn.duration",
        "s",
        "Time from receiving an activity to its replies, state saved.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 4.5, 10],
        }
    );

    private static readonly Counter<long> Replies = Meter.CreateCounter<long>(
        "servicebot.replies",
        "{reply}",
        "Replies delivered, passive (in the webhook's answer) or pushed later."
    );

    internal static void TurnEnded(string channel, bool replay, TimeSpan elapsed) =>
        Duration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("replay", replay)
        );

    public static void Delivered(string channel, string delivery, int count) =>
        Replies.Add(
            count,
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("delivery", delivery)
        );
}
