namespace ServiceBot.Services.Conversations;

/// <summary>Who a conversation is with, on which channel: enough to message them later.</summary>
internal sealed record ConversationReference(string Channel, string UserId)
{
    public override string ToString() => $"{Channel}/{UserId}";
}

internal enum ActivityType
{
    Message,
    Event,
}

internal enum MessageKind
{
    Text,
    Image,
    Voice,
    Video,
    Location,
    Link,
}

/// <summary>
/// One thing the user did, channel-neutral. <see cref="Id"/> is stable across a channel's
/// retries of the same delivery, which is what de-duplication keys on.
/// </summary>
internal sealed record Activity
{
    public required string Id { get; init; }

    public required ActivityType Type { get; init; }

    public required ConversationReference Conversation { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// The sender is not known to the shop (a web chat visitor): a photo alone opens no case, and
    /// cases from such senders are capped a minute, so they cannot flood the agents' queue.
    /// </summary>
    public bool Anonymous { get; init; }

    /// <summary>For messages: what was sent. Null for events.</summary>
    public MessageKind? Kind { get; init; }

    /// <summary>Text typed, or recognised from voice; null when there is none.</summary>
    public string? Text { get; init; }

    public MediaAttachment? Media { get; init; }

    public GeoLocation? Location { get; init; }

    public LinkPreview? Link { get; init; }

    /// <summary>For events: the channel's event name as sent (<c>subscribe</c>, <c>CLICK</c>, ...).</summary>
    public string? EventName { get; init; }

    /// <summary>For events: the key (menu key of a CLICK, URL of a VIEW, scene of a SCAN).</summary>
    public string? EventKey { get; init; }

    /// <summary>For subscribe-message events: the templates the user accepted or rejected.</summary>
    public IReadOnlyList<TemplateConsent> TemplateConsents { get; init; } = [];

    /// <summary>For delivery-report events: what became of template or subscribe messages sent to the user.</summary>
    public IReadOnlyList<DeliveryReport> DeliveryReports { get; init; } = [];

    public bool IsMessage => Type == ActivityType.Message;

    public bool IsEvent(string name) =>
        Type == ActivityType.Event && string.Equals(EventName, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A photo, voice note or video the user sent; <see cref="MediaId"/> fetches it from the channel.</summary>
internal sealed record MediaAttachment(string? MediaId, Uri? Url, string? Format, string? ThumbMediaId)
{
    public static MediaAttachment Image(string? mediaId, Uri? url = null) => new(mediaId, url, null, null);

    public static MediaAttachment Voice(string? mediaId, string? format) => new(mediaId, null, format, null);

    public static MediaAttachment Video(string? mediaId, string? thumbMediaId) =>
        new(mediaId, null, null, thumbMediaId);
}

internal sealed record GeoLocation(double Latitude, double Longitude, int Scale, string? Label);

internal sealed record LinkPreview(string Title, string? Description, Uri? Url);

/// <summary>A subscribe-message popup choice: accepted means one notice of that template may be sent.</summary>
internal sealed record TemplateConsent(string TemplateId, bool Accepted);

/// <summary>What a channel reported of a message it took: delivered, refused by the user, or lost.</summary>
internal enum DeliveryReportOutcome
{
    Delivered,
    UserBlocked,
    SystemFailure,
}

/// <summary>
/// A channel's delivery report (WeChat: <c>TEMPLATESENDJOBFINISH</c>, <c>subscribe_msg_sent_event</c>): the
/// message's id as the channel numbered it, the template (subscribe messages), the outcome and the channel's words.
/// </summary>
internal sealed record DeliveryReport(
    string? MessageId,
    string? TemplateId,
    DeliveryReportOutcome Outcome,
    string Status,
    bool Subscribe
);
