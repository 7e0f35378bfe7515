using System.Diagnostics.Metrics;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// <c>servicebot.notices</c>: every recorded notice decision, by topic, verdict (send, defer, drop)
/// and the rule that decided it; the signal for "nothing is going out" and "the channel is failing".
/// </summary>
internal static class NoticeMetrics
{
    public const string MeterName = "ServiceBot.Notices";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "servicebot.notices",
        "{notice}",
        "Notice decisions recorded, by topic, verdict and rule."
    );

    internal static void Recorded(NoticeRecord record) =>
        Decisions.Add(
            1,
            new KeyValuePair<string, object?>("topic", record.Topic.ToString()),
            new KeyValuePair<string, object?>("verdict", record.Verdict.ToString()),
            new KeyValuePair<string, object?>("rule", record.Verdict == Verdict.Send ? "none" : record.Rule.ToString())
        );
}
