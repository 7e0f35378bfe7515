using System.Security.Cryptography;
using System.Text;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// Template messages go through <c>message/template/send</c>; the notice key, hashed, is WeChat's
/// <c>client_msg_id</c>, so a repeat of the same notice within 10 minutes is dropped by WeChat too.
/// </summary>
internal sealed class WeChatTemplateMessageSender(WeChatApiClient api) : ITemplateMessageSender
{
    public string Channel => WeChatActivityMapper.Channel;

    public async Task<SendOutcome> SendAsync(
        ConversationReference customer,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? url,
        string idempotencyKey,
        CancellationToken cancellationToken
    ) =>
        (
            await api.SendTemplateMessageAsync(
                customer.UserId,
                templateId,
                data,
                url,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32],
                cancellationToken
            )
        ).ToSendOutcome();
}
