using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

public sealed class ConsentOverWeChatTests : IDisposable
{
    private readonly BotFactory _bot = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task OptInByMessage_ThenUnfollow_RevokesWithoutAnswering()
    {
        using var http = _bot.CreateClient();
        var openId = WeChatWire.OpenId();

        await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "通知"), openId), Ct);
        using var optIn = await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "1"), openId),
            Ct
        );
        Assert.Contains(
            "已开启物流通知",
            WeChatWire.OpenReply(await optIn.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
        Assert.True((await ConsentsAsync(openId)).IsOptedIn(NoticeTopic.Delivery));

        using var unfollow = await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Event(openId, "unsubscribe"), openId),
            Ct
        );

        Assert.Equal("success", await unfollow.Content.ReadAsStringAsync(Ct));
        var consents = await ConsentsAsync(openId);
        Assert.False(consents.IsOptedIn(NoticeTopic.Delivery));
        Assert.Equal(ConsentSource.Unfollow, consents.Latest(NoticeTopic.Delivery)!.Source);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OptIn_SendsTheConsentPageLink_UnlessTemplateMessagesCarryTheNotices(bool templateMessages)
    {
        _bot.Settings["WeChat:PublicBaseUrl"] = "https://bot.example";
        _bot.Settings["WeChat:Templates:Delivery"] = "tpl-delivery";
        if (templateMessages)
        {
            _bot.Settings["WeChat:TemplateMessages:Delivery:Id"] = "tm-delivery";
        }

        using var http = _bot.CreateClient();
        var openId = WeChatWire.OpenId();
        await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "通知"), openId), Ct);
        using var optIn = await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "1"), openId),
            Ct
        );

        var reply = WeChatWire.OpenReply(await optIn.Content.ReadAsStringAsync(Ct))["Content"]!;
        var link =
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxtestapp"
            + "&redirect_uri=https%3A%2F%2Fbot.example%2Fsubscribe%3Ftopic%3Ddelivery"
            + "&response_type=code&scope=snsapi_base&state=consent#wechat_redirect";
        Assert.Equal(!templateMessages, reply.Contains(link, StringComparison.Ordinal));
        Assert.Contains("已开启物流通知", reply, StringComparison.Ordinal);
    }

    private async Task<Consents> ConsentsAsync(string openId) =>
        Consents.Of(
            (
                await _bot
                    .Services.GetRequiredService<ConversationStateStore>()
                    .LoadAsync(new ConversationReference("wechat", openId), Ct)
            ).Record
        );
}
