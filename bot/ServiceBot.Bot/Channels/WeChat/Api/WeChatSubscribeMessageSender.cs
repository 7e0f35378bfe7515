using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>Subscribe messages go through <c>message/subscribe/bizsend</c>, one per one-time consent.</summary>
internal sealed class WeChatSubscribeMessageSender(WeChatApiClient api) : ISubscribeMessageSender
{
    public async Task<SendOutcome> SendAsync(
        ConversationReference customer,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? page,
        CancellationToken cancellationToken
    ) =>
        (
            await api.SendSubscribeMessageAsync(customer.UserId, templateId, data, page, cancellationToken)
        ).ToSendOutcome();
}
