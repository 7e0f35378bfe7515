using System.Diagnostics.Metrics;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Services.Insights;

/// <summary>
/// The numbers that decide: follows and unfollows, what notices cost in followers
/// (<c>servicebot.unfollows.after_notice</c> by topic, <c>servicebot.campaign.unfollows</c> by campaign),
/// chats and handoffs (containment), and the handoffs' first-response and resolution times.
/// </summary>
internal static class InsightsMetrics
{
    public const string MeterName = "ServiceBot.Insights";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Follows = Meter.CreateCounter<long>(
        "servicebot.follows",
        "{customer}",
        "Follows of the account."
    );

    private static readonly Counter<long> Unfollows = Meter.CreateCounter<long>(
        "servicebot.unfollows",
        "{customer}",
        "Unfollows of the account."
    );

    private static readonly Counter<long> AfterNotice = Meter.CreateCounter<long>(
        "servicebot.unfollows.after_notice",
        "{customer}",
        "Unfollows within 48 hours of a notice sent to that customer, by the notice's topic (once per notice)."
    );

    private static readonly Counter<long> AfterCampaign = Meter.CreateCounter<long>(
        "servicebot.campaign.unfollows",
        "{customer}",
        "Unfollows within 48 hours of a campaign's notice, by campaign: its cost in followers."
    );

    private static readonly Counter<long> Chats = Meter.CreateCounter<long>(
        "servicebot.chats",
        "{chat}",
        "Chats begun: a customer's first message, or the first after 24 hours of silence."
    );

    private static readonly Counter<long> Handoffs = Meter.CreateCounter<long>(
        "servicebot.handoffs",
        "{chat}",
        "Chats handed to a person; containment is 1 - handoffs / chats."
    );

    private static readonly Histogram<double> FirstResponseTime = Meter.CreateHistogram<double>(
        "servicebot.handoff.first_response",
        "s",
        "From the handoff to the agent's first reply.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [15, 30, 60, 120, 300, 600, 1800, 3600] }
    );

    private static readonly Histogram<double> ResolutionTime = Meter.CreateHistogram<double>(
        "servicebot.handoff.resolution",
        "s",
        "From the handoff to the case resolved.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [60, 300, 900, 1800, 3600, 7200, 14400, 86400],
        }
    );

    internal static void Followed() => Follows.Add(1);

    internal static void ChatStarted() => Chats.Add(1);

    internal static void HandedOff() => Handoffs.Add(1);

    internal static void FirstResponse(double seconds) => FirstResponseTime.Record(seconds);

    internal static void Resolved(double seconds) => ResolutionTime.Record(seconds);

    internal static void Unfollowed() => Unfollows.Add(1);

    internal static void UnfollowedAfter(NoticeTopic topic, string? campaign)
    {
        AfterNotice.Add(1, new KeyValuePair<string, object?>("topic", topic.ToString()));
        if (campaign is not null)
        {
            AfterCampaign.Add(1, new KeyValuePair<string, object?>("campaign", campaign));
        }
    }
}
