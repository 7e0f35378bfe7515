using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>Proactive messages to WeChat users go through the customer-service API, one reply per call.</summary>
internal sealed class WeChatCustomerServiceSender(WeChatApiClient api) : IChannelSender
{
    public string Channel => WeChatActivityMapper.Channel;

    public async Task<SendOutcome> SendAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        foreach (var reply in replies)
        {
            var result = await api.SendCustomerMessageAsync(conversation.UserId, reply, cancellationToken);
            if (!result.IsOk)
            {
                return result.ToSendOutcome();
            }
        }

        return SendOutcome.Sent;
    }
}
