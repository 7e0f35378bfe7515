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

    /// <summary>The channel could not be reached or failed (5xx) after retries; try again later.</summary>
    Unavailable,

    /// <summary>The user granted no one-time consent for this template (subscribe messages).</summary>
    NoConsent,

    /// <summary>Not configured (e.g. no AppSecret) or the channel refused for another reason.</summary>
    Failed,
}

public sealed record SendOutcome(SendStatus Status, string? Detail = null)
{
    public static SendOutcome Sent { get; } = new(SendStatus.Sent);

    public bool IsSent => Status == SendStatus.Sent;

    /// <summary>Worth trying again later: the channel was busy or down, not refusing this message.</summary>
    public bool IsTransient => Status is SendStatus.Throttled or SendStatus.Unavailable;
}

/// <summary>
/// Sends to a conversation by its reference, on whichever channel it lives: how the courier
/// webhook, the scheduler, the merchant's return decisions and late replies reach a user.
/// </summary>
public sealed class ProactiveMessenger(IEnumerable<IChannelSender> senders, ILogger<ProactiveMessenger> logger)
{
    private readonly Dictionary<string, IChannelSender> _senders =
        senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);

    public async Task<SendOutcome> SendAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
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
