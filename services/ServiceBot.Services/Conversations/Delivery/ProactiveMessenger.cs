using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>
/// Sends to a conversation by its reference, on whichever channel it lives: how the courier
/// webhook, the scheduler, the merchant's return decisions and late replies reach a user.
/// </summary>
internal sealed class ProactiveMessenger(
    IEnumerable<IChannelSender> senders,
    SendRetry retry,
    ILogger<ProactiveMessenger> logger
)
{
    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(
        s => s.Channel,
        StringComparer.Ordinal
    );

    /// <summary>
    /// Sends, and while the channel is busy or down tries again (<see cref="SendRetry"/>) with the
    /// replies it has not taken yet. <see cref="SendOutcome.Delivered"/> counts all the replies taken.
    /// </summary>
    public async Task<SendOutcome> SendAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    )
    {
        var delivered = 0;
        var outcome = await retry.RunAsync(
            async token =>
            {
                var tried = await TryOnceAsync(conversation, [.. replies.Skip(delivered)], token);
                delivered += tried.IsSent ? 0 : tried.Delivered;
                return tried;
            },
            cancellationToken
        );
        return outcome.IsSent ? outcome : outcome with { Delivered = delivered };
    }

    /// <summary>
    /// One try: the channel takes the replies in order until one is not taken (see
    /// <see cref="SendOutcome.Delivered"/>).
    /// </summary>
    public async Task<SendOutcome> TryOnceAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    )
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
            DeliveryLog.ProactiveNotDelivered(
                logger,
                conversation.Channel,
                LogIds.Of(conversation.UserId),
                outcome.Status
            );
        }

        return outcome;
    }
}
