using System.Diagnostics.Metrics;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// <c>servicebot.handoff.queue_wait</c>: how long a customer waited for a person, from the handoff to an agent claiming
/// the chat.
/// </summary>
internal static class HandoffMetrics
{
    public const string MeterName = "ServiceBot.Handoff";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>(
        "servicebot.handoff.queue_wait",
        "s",
        "Time a customer waited in the queue before an agent claimed the chat.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 15, 30, 60, 120, 300, 600, 1800, 3600] }
    );

    internal static void Claimed(TimeSpan waited) => QueueWait.Record(Math.Max(0, waited.TotalSeconds));
}
