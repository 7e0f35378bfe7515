using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Conversations;

/// <summary>A channel's way to message a user outside a turn (WeChat: the customer-service API).</summary>
public interface IChannelSender
{
    string Channel { get; }

    Task<SendOutcome> SendAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken);
}

public enum SendStatus
{
    Sent,

    /// <summary>The channel only lets us write within a window after the user's last message, and it closed.</summary>
    WindowClosed,

    /// <summary>The user unfollowed or blocked us.</summary>
    Unreachable,

    /// <summary>The channel is throttling us; try again later.</summary>
    Throttled,

    /// <summary>The channel could not be reached, or answered that it failed (5xx): it did not take the message; try again later.</summary>
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

/// <summary>What a send came to; <see cref="Delivered"/> counts the parts (replies) the channel took before it stopped.</summary>
public sealed record SendOutcome(SendStatus Status, string? Detail = null, int Delivered = 0)
{
    public static SendOutcome Sent { get; } = new(SendStatus.Sent);

    public bool IsSent => Status == SendStatus.Sent;

    /// <summary>Worth trying again later: the channel was busy or down and did not take the message.</summary>
    public bool IsTransient => Status is SendStatus.Throttled or SendStatus.Unavailable;
}

/// <summary>
/// Sends to a conversation by its reference, on whichever channel it lives: how the courier
/// webhook, the scheduler, the merchant's return decisions and late replies reach a user.
/// </summary>
public sealed class ProactiveMessenger(IEnumerable<IChannelSender> senders, SendRetry retry, ILogger<ProactiveMessenger> logger)
{
    private readonly Dictionary<string, IChannelSender> _senders =
        senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);

    /// <summary>
    /// Sends, and while the channel is busy or down tries again (<see cref="SendRetry"/>) with the
    /// replies it has not taken yet. <see cref="SendOutcome.Delivered"/> counts all the replies taken.
    /// </summary>
    public async Task<SendOutcome> SendAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        var delivered = 0;
        var outcome = await retry.RunAsync(async token =>
        {
            var tried = await TryOnceAsync(conversation, [.. replies.Skip(delivered)], token);
            delivered += tried.IsSent ? 0 : tried.Delivered;
            return tried;
        }, cancellationToken);
        return outcome.IsSent ? outcome : outcome with { Delivered = delivered };
    }

    /// <summary>One try: the channel takes the replies in order until one is not taken (see <see cref="SendOutcome.Delivered"/>).</summary>
    public async Task<SendOutcome> TryOnceAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        if (replies.Count == 0)
        {
            return SendOutcome.Sent;
        }

        if (!_senders.TryGetValue(conversation.Channel, out var sender))
        {
            throw new InvalidOperationException($"No sender is registered for channel '{conversation.Channel}'.");
        }

        var outcome = await sender.SendAsync(conversation, replies, cancellationToken);
        if (!outcome.IsSent)
        {
            ConversationsLog.ProactiveNotDelivered(logger, conversation.Channel, conversation.UserId, outcome.Status);
        }

        return outcome;
    }
}
