using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

/// <summary>The real endpoint, with messages signed and encrypted as WeChat sends them.</summary>
public sealed class WeChatWebhookTests : IDisposable
{
    private readonly BotFactory _bot = new();
    private readonly HttpClient _http;

    // Both forms, so that plaintext parsing is tested too; safe mode alone: WebhookReplayTests.
    public WeChatWebhookTests()
    {
        _bot.Settings["WeChat:MessageMode"] = "Compatible";
        _http = _bot.CreateClient();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _http.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task Verify_ValidSignature_EchoesAsPlainText()
    {
        var signature = WeChatSignature.Compute(BotFactory.Token, "1763870400", "nonce1");

        using var response = await _http.GetAsync(
            $"/api/wechat?signature={signature}&timestamp=1763870400&nonce=nonce1&echostr=hello123",
            Ct
        );

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("hello123", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000")]
    [InlineData("")]
    public async Task Verify_BadSignature_Is401WithoutEcho(string signature)
    {
        using var response = await _http.GetAsync(
            $"/api/wechat?signature={signature}&timestamp=1763870400&nonce=n&echostr=hello123",
            Ct
        );

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("hello123", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plaintext_Help_GetsTheMenuAsAPassiveReply()
    {
        var openId = WeChatWire.OpenId();

        using var response = await _http.SendAsync(
            WeChatWire.Plain(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "help"), openId),
            Ct
        );

        var reply = WeChatXml.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(openId, reply["ToUserName"]);
        Assert.Equal(WeChatWire.Bot, reply["FromUserName"]);
        Assert.Equal("text", reply["MsgType"]);
        Assert.Contains("cancel", reply["Content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SafeMode_Subscribe_GetsAnEncryptedSignedGreeting()
    {
        var openId = WeChatWire.OpenId();

        using var response = await _http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Event(openId, "subscribe"), openId),
            Ct
        );

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("欢迎", body, StringComparison.Ordinal);
        var reply = WeChatWire.OpenReply(body);
        Assert.Equal(openId, reply["ToUserName"]);
        Assert.Contains("欢迎关注", reply["Content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhandledMessageType_IsAnsweredSuccess()
    {
        var openId = WeChatWire.OpenId();
        var xml =
            $"<xml><ToUserName>gh</ToUserName><FromUserName>{openId}</FromUserName>"
            + $"<CreateTime>1</CreateTime><MsgType>miniprogrampage</MsgType><MsgId>5</MsgId></xml>";

        using var response = await _http.SendAsync(WeChatWire.Plain(xml, openId), Ct);

        Assert.Equal("success", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("你好,谢谢,菜单,在吗,请问一下,好的")]
    [InlineData("菜单")]
    [InlineData("help,thanks,menu,hello")]
    public async Task StoredState_AfterADozenTurns_StaysUnder2KB(string said)
    {
        // What an idle customer costs in the store once the transcript and the de-duplication window are full.
        var openId = WeChatWire.OpenId();
        var texts = said.Split(',');
        for (var turn = 0; turn < 12; turn++)
        {
            using var response = await _http.SendAsync(
                WeChatWire.Encrypted(
                    WeChatWire.Text(openId, WeChatWire.NewMsgId(), texts[turn % texts.Length]),
                    openId
                ),
                Ct
            );
            Assert.NotEqual("success", await response.Content.ReadAsStringAsync(Ct));
        }

        var stored = await _bot
            .Services.GetRequiredService<IDocumentStore>()
            .ReadAsync(ConversationStateStore.KeyOf(new ConversationReference("wechat", openId)), Ct);
        var json = System.Text.Encoding.UTF8.GetString(stored!.Content.Span);
        Assert.True(stored.Content.Length < 2048, $"{stored.Content.Length} bytes: {json}");
        Assert.Contains(texts[11 % texts.Length], json, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> HostileRequests() =>
        new()
        {
            { "bad signature", 401 },
            { "bad msg_signature", 401 },
            { "tampered ciphertext", 400 },
            { "foreign AppId", 400 },
            { "bad padding", 400 },
            { "DOCTYPE with external entity", 400 },
            { "entity expansion", 400 },
            { "oversized", 413 },
            { "empty", 400 },
            { "not XML", 400 },
            { "not WeChat XML", 400 },
            { "openid mismatch", 400 },
            { "encrypted envelope without Encrypt", 400 },
            { "ciphertext not Base64", 400 },
        };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task HostileInput_Is4xx_AndChangesNothing(string attack, int status)
    {
        var openId = WeChatWire.OpenId();
        using var request = Hostile(attack, openId);
        var before = await StoredKeysAsync();

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(before, await StoredKeysAsync());
    }

    [Fact]
    public async Task SafeModeRequest_WhenNoKeyIsConfigured_Is400()
    {
        using var bot = new BotFactory();
        bot.Settings["WeChat:EncodingAESKey"] = "";
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var response = await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, 1, "hi"), openId), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MaxClockSkew_WhenSet_RefusesAStaleTimestamp()
    {
        using var bot = new BotFactory();
        bot.Settings["WeChat:MaxClockSkew"] = "00:05:00";
        bot.Settings["WeChat:MessageMode"] = "Compatible";
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var stale = await http.SendAsync(
            WeChatWire.Plain(WeChatWire.Text(openId, 1, "hi"), openId, timestamp: "1409735669"),
            Ct
        );
        using var fresh = await http.SendAsync(
            WeChatWire.Plain(
                WeChatWire.Text(openId, 2, "hi"),
                openId,
                timestamp: WeChatWire.Unix(TimeProvider.System.GetUtcNow())
            ),
            Ct
        );

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    private static HttpRequestMessage Hostile(string attack, string openId)
    {
        var text = WeChatWire.Text(openId, WeChatWire.NewMsgId(), "hi");
        var crypto = new WeChatCrypto(BotFactory.AesKey, BotFactory.AppId);
        switch (attack)
        {
            case "bad signature":
                return WeChatWire.Plain(text, openId, token: "wrongtoken");
            case "bad msg_signature":
                return WeChatWire.Envelope(crypto.Encrypt(text), openId, msgSignature: new string('a', 40));
            case "tampered ciphertext":
                var bytes = Convert.FromBase64String(crypto.Encrypt(text));
                bytes[20] ^= 0xFF;
                return WeChatWire.Envelope(Convert.ToBase64String(bytes), openId);
            case "foreign AppId":
                return WeChatWire.Encrypted(text, openId, appId: "wxsomeoneelse");
            case "bad padding":
                var key = Convert.FromBase64String(BotFactory.AesKey + "=");
                using (var aes = System.Security.Cryptography.Aes.Create())
                {
                    aes.Key = key;
                    var raw = aes.EncryptCbc(new byte[96], key[..16], System.Security.Cryptography.PaddingMode.None);
                    return WeChatWire.Envelope(Convert.ToBase64String(raw), openId);
                }

            case "DOCTYPE with external entity":
                return WeChatWire.Plain(
                    $"<!DOCTYPE xml [<!ENTITY x SYSTEM "
                        + $"\"file:///etc/passwd\">]>{text.Replace("hi", "&x;", StringComparison.Ordinal)}",
                    openId
                );
            case "entity expansion":
                return WeChatWire.Plain(
                    $"<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
                        + $"\"&a;&a;&a;&a;&a;&a;\">]>{text.Replace("hi", "&b;", StringComparison.Ordinal)}",
                    openId
                );
            case "oversized":
                return WeChatWire.Plain(
                    text.Replace("hi", new string('x', 70 * 1024), StringComparison.Ordinal),
                    openId
                );
            case "empty":
                return WeChatWire.Plain("", openId);
            case "not XML":
                return WeChatWire.Plain("{\"MsgType\":\"text\"}", openId);
            case "not WeChat XML":
                return WeChatWire.Plain("<xml><Foo>bar</Foo></xml>", openId);
            case "openid mismatch":
                return WeChatWire.Plain(text, "oSomebodyElse");
            case "encrypted envelope without Encrypt":
                var request = WeChatWire.Envelope("", openId);
                request.Content = new StringContent("<xml><ToUserName>gh</ToUserName></xml>");
                return request;
            case "ciphertext not Base64":
                return WeChatWire.Envelope("%%%not-base64%%%", openId);
            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }
    }

    private async Task<List<string>> StoredKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var key in _bot.Services.GetRequiredService<IDocumentStore>().ListKeysAsync("", Ct))
        {
            keys.Add(key);
        }

        return keys;
    }
}
