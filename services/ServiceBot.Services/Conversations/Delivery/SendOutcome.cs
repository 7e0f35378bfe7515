namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>How a send to a channel ended.</summary>
// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum SendStatus
{
    Sent,

    /// <summary>The channel only lets us write within a window after the user's last message, and it closed.</summary>
    WindowClosed,

    /// <summary>The user unfollowed or blocked us.</summary>
    Unreachable,

    /// <summary>The channel is throttling us; try again later.</summary>
    Throttled,

    /// <summary>
    /// The channel could not be reached, or answered that it failed (5xx): it did not take the message; try again
    /// later.
    /// </summary>
    Unavailable,

    /// <summary>
    /// The message went out and no answer came back (timed out, or the connection broke): the
    /// channel may have it. Sending it again could deliver it twice, so it is not tried again.
    /// </summary>
    Unanswered,

    /// <summary>The user granted no one-time consent for this template (subscribe messages).</summary>
    NoConsent,

    /// <summary>Not configured (e.g. no AppSecret) or the channel refused for another reason.</summary>
    Failed,
}

/// <summary>
/// What a send came to; <see cref="Delivered"/> counts the parts (replies) the channel took before it stopped;
/// <see cref="MessageId"/> is the channel's id for a message it reports on later (WeChat's template msgid).
/// </summary>
internal sealed record SendOutcome(SendStatus Status, string? Detail = null, int Delivered = 0)
{
    public string? MessageId { get; init; }

    public static SendOutcome Sent { get; } = new(SendStatus.Sent);

    public bool IsSent => Status == SendStatus.Sent;

    /// <summary>Worth trying again later: the channel was busy or down and did not take the message.</summary>
    public bool IsTransient => Status is SendStatus.Throttled or SendStatus.Unavailable;
}
