using System.Diagnostics.Metrics;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Services.Insights;

/// <summary>
/// <c>servicebot.follows</c>, <c>servicebot.unfollows</c>, and <c>servicebot.unfollows.after_notice</c>
/// by topic and <c>servicebot.campaign.unfollows</c> by campaign: what notices cost in followers.
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

    internal static void Followed() => Follows.Add(1);

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
