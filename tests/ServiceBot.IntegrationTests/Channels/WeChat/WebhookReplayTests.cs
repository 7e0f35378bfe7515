using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

/// <summary>
/// WeChat's signature covers token, timestamp and nonce, not the body, and the query string that
/// carries it ends up in proxies' logs: whoever reads one must not be able to speak for a customer.
/// </summary>
public sealed class WebhookReplayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithAKey_SafeModeIsTheDefault_AndAPlaintextRequestIsRefused()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var plain = await http.SendAsync(WeChatWire.Plain(WeChatWire.Text(openId, 1, "查订单"), openId), Ct);
        using var safe = await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, 2, "查订单"), openId), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, safe.StatusCode);
    }

    [Fact]
    public async Task ASignedQueryFromALog_WithAnotherBody_IsRefused_AndNothingIsStored()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var customer = WeChatWire.OpenId();
        var attacker = WeChatWire.OpenId();
        using var genuine = WeChatWire.Encrypted(WeChatWire.Text(customer, 1, "你好"), customer);
        var logged = genuine.RequestUri!.OriginalString;
        (await http.SendAsync(genuine, Ct)).EnsureSuccessStatusCode();

        // The attacker keeps the logged query and writes a body of their own: plaintext, or plaintext
        // with the query's encryption parameters dropped, or another ciphertext under the old msg_signature.
        var plainQuery = logged[..logged.IndexOf("&encrypt_type", StringComparison.Ordinal)];
        var forged = WeChatWire.Text(attacker, 2, "查订单");
        var cipher = new Bot.Channels.WeChat.WeChatCrypto(BotFactory.AesKey, BotFactory.AppId).Encrypt(forged);
        using var asPlain = await http.SendAsync(Post(logged, forged), Ct);
        using var droppedAes = await http.SendAsync(Post(plainQuery, forged), Ct);
        using var newCipher = await http.SendAsync(
            Post(logged, $"<xml><ToUserName>{WeChatWire.Bot}</ToUserName><Encrypt>{cipher}</Encrypt></xml>"),
            Ct
        );

        Assert.Equal(HttpStatusCode.Unauthorized, asPlain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, droppedAes.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, newCipher.StatusCode);
        var store = bot.Services.GetRequiredService<IDocumentStore>();
        var key = ConversationStateStore.KeyOf(new ConversationReference("wechat", attacker));
        Assert.Null(await store.ReadAsync(key, Ct));
    }

    [Fact]
    public async Task InCompatibleMode_ANonceSeenWithAnotherBody_IsRefused_ButWeChatsRetryGetsItsReply()
    {
        using var bot = new BotFactory();
        bot.Settings["WeChat:MessageMode"] = "Compatible";
        using var http = bot.CreateClient();
        var customer = WeChatWire.OpenId();
        var attacker = WeChatWire.OpenId();
        var timestamp = WeChatWire.Now();
        const string Nonce = "424242";

        using var first = await http.SendAsync(
            WeChatWire.Plain(WeChatWire.Text(customer, 7, "help"), customer, timestamp: timestamp, nonce: Nonce),
            Ct
        );
        using var retry = await http.SendAsync(
            WeChatWire.Plain(WeChatWire.Text(customer, 7, "help"), customer, timestamp: timestamp, nonce: Nonce),
            Ct
        );
        using var forged = await http.SendAsync(
            WeChatWire.Plain(WeChatWire.Text(attacker, 8, "查订单"), attacker, timestamp: timestamp, nonce: Nonce),
            Ct
        );

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(
            WeChatXml(await first.Content.ReadAsStringAsync(Ct)),
            WeChatXml(await retry.Content.ReadAsStringAsync(Ct))
        );
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task ARequestStampedOutsideTheDefaultWindow_IsRefused()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        var stale = WeChatWire.Unix(TimeProvider.System.GetUtcNow().AddMinutes(-10));

        using var response = await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, 1, "你好"), openId, timestamp: stale),
            Ct
        );

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheSignedQueryString_NeverReachesALog_EvenWithEveryLogOn()
    {
        var logs = new CapturingLoggerProvider();
        using var bot = new BotFactory { TestServices = services => services.AddSingleton<ILoggerProvider>(logs) };
        bot.Settings["Logging:LogLevel:Default"] = "Trace";
        bot.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        using var request = WeChatWire.Encrypted(WeChatWire.Text(openId, 1, "你好"), openId);
        var query = request.RequestUri!.OriginalString.Split('?')[1];
        var signature = System.Web.HttpUtility.ParseQueryString(query)["msg_signature"]!;

        (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();

        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(signature, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("signature=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFloodOfForgedRequests_IsOneWarningAMinute_WithTheCountLeftOut()
    {
        var logs = new CapturingLoggerProvider();
        using var bot = new BotFactory { TestServices = services => services.AddSingleton<ILoggerProvider>(logs) };
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        for (var i = 0; i < 20; i++)
        {
            using var forged = WeChatWire.Plain(WeChatWire.Text(openId, i, "hi"), openId, token: "notthetoken");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged, Ct)).StatusCode);
        }

        Assert.Single(logs.Lines, line => line.Contains("WeChat webhook rejected", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Post(string pathAndQuery, string body) =>
        new(HttpMethod.Post, pathAndQuery) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    // The reply's XML without its CreateTime, which may tick between the two answers.
    private static string WeChatXml(string xml) =>
        System.Text.RegularExpressions.Regex.Replace(xml, "<CreateTime>[0-9]+</CreateTime>", "");
}
