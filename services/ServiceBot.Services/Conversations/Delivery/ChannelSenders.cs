namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>A channel's way to message a user outside a turn (WeChat: the customer-service API).</summary>
internal interface IChannelSender
{
    string Channel { get; }

    Task<SendOutcome> SendAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    );
}

/// <summary>
/// A channel's template message (WeChat: <c>message/template/send</c>) for service notices, which the channel
/// reports on later by the id it answers with; the idempotency key lets the channel drop a repeat.
/// </summary>
internal interface ITemplateMessageSender
{
    string Channel { get; }

    Task<SendOutcome> SendAsync(
        ConversationReference customer,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? url,
        string idempotencyKey,
        CancellationToken cancellationToken
    );
}

/// <summary>
/// A channel's subscribe message (WeChat: <c>message/subscribe/bizsend</c>), allowed once per one-time consent.
/// </summary>
internal interface ISubscribeMessageSender
{
    Task<SendOutcome> SendAsync(
        ConversationReference customer,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? page,
        CancellationToken cancellationToken
    );
}
