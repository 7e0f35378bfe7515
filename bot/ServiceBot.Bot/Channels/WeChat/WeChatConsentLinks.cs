using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// WeChat customers get the consent page for a topic with a subscription template, once the bot knows
/// its public address (<c>WeChat:PublicBaseUrl</c>). Delivery notices that template messages carry need
/// no one-time consent, so none is asked for them.
/// </summary>
internal sealed class WeChatConsentLinks(
    IOptions<WeChatOptions> wechat,
    IOptions<SubscribeTemplateOptions> subscribe,
    IOptions<TemplateMessageOptions> templateMessages
) : IConsentLinks
{
    public Uri? For(ConversationReference customer, NoticeTopic topic) =>
        customer.Channel == WeChatActivityMapper.Channel
        && subscribe.Value.TemplateFor(topic) is not null
        && !(topic == NoticeTopic.Delivery && templateMessages.Value.IdFor(TemplateKind.Delivery) is not null)
            ? ConsentPage.LinkFor(wechat.Value, topic)
            : null;
}
