using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// Proactive messages to WeChat users go through the customer-service API, one reply per call, in order, stopping at
/// the first not taken.
/// </summary>
internal sealed class WeChatCustomerServiceSender(WeChatApiClient api) : IChannelSender
{
    public string Channel => WeChatActivityMapper.Channel;

    public async Task<SendOutcome> SendAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    )
    {
        for (var i = 0; i < replies.Count; i++)
        {
            var result = await api.SendCustomerMessageAsync(conversation.UserId, replies[i], cancellationToken);
            if (!result.IsOk)
            {
                return result.ToSendOutcome() with { Delivered = i };
            }
        }

        return SendOutcome.Sent;
    }
}
