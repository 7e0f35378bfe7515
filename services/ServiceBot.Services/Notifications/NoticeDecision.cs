namespace ServiceBot.Services.Notifications;

/// <summary>
/// A notice we might send: its topic and its once-only key ("order:A1:out_for_delivery", "campaign:C1").
/// </summary>
internal sealed record NoticeCandidate(NoticeTopic Topic, string Key);

// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum NoticeChannel
{
    /// <summary>Customer-service message: inside the window after the user's last message.</summary>
    CustomerService,

    /// <summary>Subscribe message: spends one one-time consent for the topic's template.</summary>
    SubscribeMessage,
}

/// <summary>A notice that went out: what, when, and how.</summary>
internal sealed record SentNotice(NoticeTopic Topic, string Key, DateTimeOffset At, NoticeChannel Channel);

/// <summary>What the policy knows of a customer when it decides.</summary>
internal sealed record CustomerHistory(
    Consents Consents,
    DateTimeOffset? LastUserMessageAt,
    DateTimeOffset? LastEngagementAt,
    IReadOnlyList<SentNotice> Sent
)
{
    public static CustomerHistory Empty { get; } = new(Consents.None, null, null, []);
}

internal enum Verdict
{
    Send,
    Defer,
    Drop,
}

/// <summary>The rule that decided: the audit trail's "why".</summary>
internal enum PolicyRule
{
    Allowed,
    Once,
    Consent,
    Fatigue,
    DailyCap,
    WeeklyCap,
    QuietHours,
    Channel,

    /// <summary>Not a policy rule: a newer shipment status arrived while this notice waited.</summary>
    Superseded,

    /// <summary>
    /// Not a policy rule: the channel was busy or down (45009/45047/5xx after retries); tried again later.
    /// </summary>
    Retry,
}

internal sealed record NoticeDecision(
    Verdict Verdict,
    PolicyRule Rule,
    NoticeChannel? Channel = null,
    DateTimeOffset? NotBefore = null
)
{
    public static NoticeDecision Drop(PolicyRule rule) => new(Verdict.Drop, rule);

    public static NoticeDecision Defer(PolicyRule rule, DateTimeOffset until) =>
        new(Verdict.Defer, rule, NotBefore: until);

    public static NoticeDecision Send(NoticeChannel channel) => new(Verdict.Send, PolicyRule.Allowed, channel);
}
