namespace ServiceBot.Services.Notifications;

/// <summary>
/// A notice we might send: its topic and its once-only key ("order:A1:out_for_delivery", "campaign:C1").
/// </summary>
internal sealed record NoticeCandidate(NoticeTopic Topic, string Key)
{
    /// <summary>The template message that may carry it (a service notice); null for promotions, always.</summary>
    public TemplateKind? Template { get; init; }

    /// <summary>
    /// When the customer asked for this notice themselves (the outcome of their return): the asking is the consent,
    /// until they withdraw any consent after it.
    /// </summary>
    public DateTimeOffset? AskedAt { get; init; }
}

// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum NoticeChannel
{
    /// <summary>Customer-service message: inside the window after the user's last message.</summary>
    CustomerService,

    /// <summary>Subscribe message: spends one one-time consent for the topic's template.</summary>
    SubscribeMessage,

    /// <summary>Template message: a service notice the customer opted in to (verified service accounts).</summary>
    TemplateMessage,
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
    /// <summary>The customer's channel has template messages (WeChat does; the web chat does not).</summary>
    public bool TemplatesReach { get; init; }

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
