using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// The no-spam policy: one pure function from a candidate notice, the customer's history and the
/// time to send, defer until a time, or drop, always naming the rule that decided. Rules in order:
/// once-only key, consent, fatigue, caps, quiet hours, channel. The channel is the customer-service
/// window while it is open; else, for a service notice, a template message; else a one-time consent.
/// </summary>
internal sealed class NoticePolicy(PolicyOptions options, ShopOptions shop, TemplateMessageOptions templates)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private readonly TimeZoneInfo _zone = shop.Zone;

    /// <summary>With the shop's default time zone and WeChat window, and no template messages.</summary>
    public NoticePolicy(PolicyOptions options)
        : this(options, new ShopOptions()) { }

    /// <summary>With no template messages configured.</summary>
    public NoticePolicy(PolicyOptions options, ShopOptions shop)
        : this(options, shop, new TemplateMessageOptions()) { }

    public NoticeDecision Decide(NoticeCandidate candidate, CustomerHistory history, DateTimeOffset now)
    {
        if (history.Sent.Any(s => s.Key == candidate.Key))
        {
            return NoticeDecision.Drop(PolicyRule.Once);
        }

        var consented = history.Consents.IsOptedIn(candidate.Topic) || AskedFor(candidate, history);
        if (!consented && !HasOneTime(history, candidate))
        {
            return NoticeDecision.Drop(PolicyRule.Consent);
        }

        var promotion = candidate.Topic == NoticeTopic.Promotion;
        if (promotion && Fatigued(history, now))
        {
            return NoticeDecision.Drop(PolicyRule.Fatigue);
        }

        var hours = promotion ? options.PromotionHours : options.DeliveryHours;
        var sentOfTopic = history.Sent.Where(s => s.Topic == candidate.Topic).Select(s => s.At).Order().ToArray();
        var capped = promotion
            ? CapUntil(sentOfTopic, now, Day, options.PromotionsPerDay, PolicyRule.DailyCap)
                ?? CapUntil(sentOfTopic, now, Week, options.PromotionsPerWeek, PolicyRule.WeeklyCap)
            : CapUntil(sentOfTopic, now, Day, options.DeliveryNoticesPerDay, PolicyRule.DailyCap);
        if (capped is { } cap)
        {
            return NoticeDecision.Defer(cap.Rule, NextOpen(cap.Until, hours));
        }

        if (NextOpen(now, hours) is var open && open > now)
        {
            return NoticeDecision.Defer(PolicyRule.QuietHours, open);
        }

        // A customer-service or template message needs the standing opt-in (or the customer's own asking); a
        // one-time consent is spent on a subscribe message. WeChat forbids marketing in template messages.
        if (
            consented
            && history.LastUserMessageAt is { } last
            && now - last < shop.ServiceWindow
            && history.Sent.Count(s => s.Channel == NoticeChannel.CustomerService && s.At >= last)
                < shop.ServiceMessagesPerWindow
        )
        {
            return NoticeDecision.Send(NoticeChannel.CustomerService);
        }

        if (
            consented
            && candidate.Topic != NoticeTopic.Promotion
            && candidate.Template is { } kind
            && templates.IdFor(kind) is not null
            && history.TemplatesReach
        )
        {
            return NoticeDecision.Send(NoticeChannel.TemplateMessage);
        }

        return HasOneTime(history, candidate)
            ? NoticeDecision.Send(NoticeChannel.SubscribeMessage)
            : NoticeDecision.Drop(PolicyRule.Channel);
    }

    private static bool AskedFor(NoticeCandidate candidate, CustomerHistory history) =>
        candidate.AskedAt is { } asked && !history.Consents.History.Any(c => !c.OptedIn && c.At >= asked);

    // Counted only where it decides: most customers have the standing opt-in and a reply window.
    private static bool HasOneTime(CustomerHistory history, NoticeCandidate candidate) =>
        history.Consents.OneTime.Count > 0 && history.Consents.OneTimeAvailable(candidate.Topic, candidate.Key) > 0;

    // Promotions pause after a streak of them each left unanswered for the fatigue window, until the user engages
    // again.
    private bool Fatigued(CustomerHistory history, DateTimeOffset now) =>
        history.Sent.Count(s =>
            s.Topic == NoticeTopic.Promotion
            && (history.LastEngagementAt is not { } engaged || s.At > engaged)
            && now - s.At >= options.FatigueWindow
        ) >= options.FatigueStreak;

    // Rolling window: with `max` sent in the last `window`, the next may go when the oldest of them leaves it.
    private static (PolicyRule Rule, DateTimeOffset Until)? CapUntil(
        DateTimeOffset[] sent,
        DateTimeOffset now,
        TimeSpan window,
        int max,
        PolicyRule rule
    )
    {
        var inWindow = sent.Where(at => now - at < window).ToArray();
        return inWindow.Length >= max ? (rule, inWindow.Length == 0 ? now : inWindow[^max] + window) : null;
    }

    /// <summary>The first moment at or after <paramref name="at"/> inside the local daily window.</summary>
    internal DateTimeOffset NextOpen(DateTimeOffset at, HoursOptions hours) => hours.NextOpen(at, _zone);
}
