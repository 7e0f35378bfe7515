using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Channels.WeChat;

public sealed class WeChatApiClientTests : IDisposable
{
    private const string Send = "/cgi-bin/message/custom/send";
    private readonly FakeWeChatApi _api = new();
    private readonly CapturingLoggerProvider _logs = new();

    private WeChatApiClient Client(string? secret = "s3cret", TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["WeChat:AppId"] = "wxtest",
                    ["WeChat:AppSecret"] = secret,
                    ["WeChat:ApiBaseUrl"] = "http://wechat.test",
                }
            )
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development })
            .AddWeChat();
        services.AddHttpClient(WeChatApiClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _api);
        return services.BuildServiceProvider().GetRequiredService<WeChatApiClient>();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _api.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Send_Text_PostsTheCustomerServiceBody_WithTheCachedToken()
    {
        var client = Client();

        Assert.True((await client.SendCustomerMessageAsync("oUser", Reply.FromText("您好"), Ct)).IsOk);
        Assert.True((await client.SendCustomerMessageAsync("oUser", Reply.FromText("again"), Ct)).IsOk);

        Assert.Equal(1, _api.TokenCalls);
        var call = _api.Calls.First(c => c.Path == Send);
        Assert.Contains("access_token=token-1", call.Query, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal("oUser", body.RootElement.GetProperty("touser").GetString());
        Assert.Equal("text", body.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal("您好", body.RootElement.GetProperty("text").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ALongAgentReply_GoesAsSeveralMessages_EachWithinWeChatsByteLimit()
    {
        var reply = string.Concat(Enumerable.Repeat("您好，这款水壶的保修期是一年，请保留好购买凭证。", 60)); // 1,440 chars: 4,320 bytes
        var client = Client();
        var store = new InMemoryDocumentStore();
        var sender = new WeChatCustomerServiceSender(
            client,
            new WeChatMediaApi(client, store, TimeProvider.System),
            new ServiceBot.Services.Photos.CustomerPhotos(store, new JpegMediaDownloader())
        );

        var outcome = await sender.SendAsync(new ConversationReference("wechat", "oUser"), [Reply.FromText(reply)], Ct);

        Assert.True(outcome.IsSent);
        var sent = _api.Calls.Where(c => c.Path == Send).Select(c => JsonDocument.Parse(c.Body)).ToList();
        var texts = sent.Select(d => d.RootElement.GetProperty("text").GetProperty("content").GetString()!).ToList();
        Assert.True(texts.Count >= 3);
        Assert.All(texts, t => Assert.True(Encoding.UTF8.GetByteCount(t) <= WeChatReplyPlan.MaxTextBytes));
        Assert.Equal(reply, string.Concat(texts));
    }

    [Fact]
    public async Task Send_News_PostsOneArticle()
    {
        var card = new Card("订单已发货", "顺丰 SF123", new Uri("https://shop.example/o/1"), null);

        await Client().SendCustomerMessageAsync("oUser", Reply.FromCards([card]), Ct);

        using var body = JsonDocument.Parse(_api.Calls.First(c => c.Path == Send).Body);
        var article = Assert.Single(body.RootElement.GetProperty("news").GetProperty("articles").EnumerateArray());
        Assert.Equal("订单已发货", article.GetProperty("title").GetString());
        Assert.Equal("https://shop.example/o/1", article.GetProperty("url").GetString());
    }

    [Fact]
    public async Task ManyCallersWithNoToken_TriggerOneRefresh()
    {
        var client = Client();
        _api.HoldToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sends = Enumerable
            .Range(0, 10)
            .Select(i => client.SendCustomerMessageAsync($"u{i}", Reply.FromText("x"), Ct))
            .ToArray();
        _api.HoldToken.SetResult();
        var results = await Task.WhenAll(sends);

        Assert.All(results, r => Assert.True(r.IsOk));
        Assert.Equal(1, _api.TokenCalls);
    }

    [Theory]
    [InlineData(40001)]
    [InlineData(40014)]
    [InlineData(42001)]
    public async Task TokenRejected_WhileStillHandedOut_IsForcedOnce_AndTheCallRetriedOnce(int errcode)
    {
        var client = Client();
        _api.Then(Send, errcode);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.True(result.IsOk);
        Assert.Equal(1, _api.ForcedRefreshes);
        Assert.Equal(2, _api.CallsTo(Send));
        Assert.Contains("access_token=token-2", _api.Calls.Last(c => c.Path == Send).Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenReplacedElsewhere_IsPickedUpWithoutForcing()
    {
        var client = Client();
        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);
        _api.Rotate(); // another instance forced a refresh
        _api.Then(Send, 40001);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.True(result.IsOk);
        Assert.Equal(0, _api.ForcedRefreshes);
        Assert.Contains("access_token=token-2", _api.Calls.Last(c => c.Path == Send).Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequests_AskForTheStableTokenInNormalMode()
    {
        await Client().SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        using var body = JsonDocument.Parse(_api.Calls.First(c => c.Path == "/cgi-bin/stable_token").Body);
        Assert.Equal("client_credential", body.RootElement.GetProperty("grant_type").GetString());
        Assert.False(body.RootElement.GetProperty("force_refresh").GetBoolean());
        Assert.DoesNotContain(_api.Calls, c => c.Path == "/cgi-bin/token");
    }

    [Fact]
    public async Task TokenRejectedTwice_GivesUpAfterOneRetry()
    {
        var client = Client();
        _api.Then(Send, 40001);
        _api.Then(Send, 40001);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(WeChatApiStatus.TokenInvalid, result.Status);
        Assert.Equal(2, _api.CallsTo(Send));
    }

    [Fact]
    public async Task Token_IsRefreshedShortlyBeforeItExpires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        var client = Client(time: time);

        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);
        time.Advance(TimeSpan.FromSeconds(7200 - 301));
        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);
        Assert.Equal(1, _api.TokenCalls);

        time.Advance(TimeSpan.FromSeconds(2));
        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);
        Assert.Equal(2, _api.TokenCalls);
    }

    [Theory]
    [InlineData(45009)]
    [InlineData(45047)]
    public async Task Quota_ComesBackAtOnce_ForTheCallerToRetryWithoutHoldingItsClaim(int errcode)
    {
        var client = Client();
        _api.Then(Send, errcode);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal((WeChatApiStatus.Throttled, SendStatus.Throttled), (result.Status, result.ToSendOutcome().Status));
        Assert.Equal(1, _api.CallsTo(Send));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task ServerError_SaysWeChatDidNotTakeIt_AndComesBackAtOnce(HttpStatusCode status)
    {
        var client = Client();
        _api.ThenStatus(Send, status);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(SendStatus.Unavailable, result.ToSendOutcome().Status);
        Assert.Equal(1, _api.CallsTo(Send));
    }

    [Fact]
    public async Task NoConnection_SaysUnavailable_SinceNothingWentOut()
    {
        var client = Client();
        _api.Then(Send, () => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(SendStatus.Unavailable, result.ToSendOutcome().Status);
    }

    [Fact]
    public async Task AConnectionThatBreaksBeforeTheAnswer_SaysUnanswered_AndIsNotSentAgain()
    {
        // WeChat may have taken the message; it has no idempotency key, so a second try could deliver it twice.
        var client = Client();
        _api.Then(Send, () =>
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")
        );

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(
            (WeChatApiStatus.Unanswered, SendStatus.Unanswered),
            (result.Status, result.ToSendOutcome().Status)
        );
        Assert.Equal(1, _api.CallsTo(Send));
    }

    [Fact]
    public async Task MediaDownloads_AreStillRetriedOnServerErrors()
    {
        var client = Client();
        _api.ThenStatus("/cgi-bin/media/get", HttpStatusCode.InternalServerError);

        var photo = await new WeChatMediaApi(
            client,
            new InMemoryDocumentStore(),
            TimeProvider.System
        ).DownloadMediaAsync("m1", 1024, Ct);

        Assert.True(photo.Outcome.IsOk);
        Assert.Equal(2, _api.CallsTo("/cgi-bin/media/get"));
    }

    [Fact]
    public async Task WeChatFailingForEveryone_OpensTheCircuit_AndEverySendSaysUnavailable_WithoutThrowing()
    {
        var client = Client();
        for (var i = 0; i < 1000; i++)
        {
            _api.ThenStatus(Send, HttpStatusCode.InternalServerError);
        }

        // More failed attempts than the breaker's minimum throughput: later attempts meet an open circuit.
        var results = await Task.WhenAll(
            Enumerable.Range(0, 120).Select(i => client.SendCustomerMessageAsync($"o{i}", Reply.FromText("x"), Ct))
        );

        Assert.All(results, r => Assert.Equal(WeChatApiStatus.Unavailable, r.Status));
        Assert.Contains(results, r => r.ErrMsg == "BrokenCircuitException");
        Assert.True(
            _api.CallsTo(Send) < 120 * 4,
            $"{_api.CallsTo(Send)} calls: the open circuit should have spared WeChat some"
        );
    }

    [Theory]
    [InlineData(45015, WeChatApiStatus.WindowClosed)]
    [InlineData(43004, WeChatApiStatus.Unfollowed)]
    [InlineData(40003, WeChatApiStatus.Failed)]
    public async Task NonRetriableErrors_AreMappedAndNotRetried(int errcode, WeChatApiStatus status)
    {
        var client = Client();
        _api.Then(Send, errcode);

        var result = await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(status, result.Status);
        Assert.Equal(errcode, result.ErrCode);
        Assert.Equal(1, _api.CallsTo(Send));
    }

    [Fact]
    public async Task NoAppSecret_SaysNotConfigured_AndCallsNothing()
    {
        var result = await Client(secret: null).SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.Equal(WeChatApiStatus.NotConfigured, result.Status);
        Assert.Empty(_api.Calls);
    }

    [Fact]
    public async Task SubscribeMessage_PostsTemplateAndData()
    {
        var data = new Dictionary<string, string> { ["thing1"] = "订单 A1 派送中" };

        var result = await Client().SendSubscribeMessageAsync("oUser", "tpl-1", data, null, Ct);

        Assert.True(result.IsOk);
        using var body = JsonDocument.Parse(_api.Calls.First(c => c.Path == "/cgi-bin/message/subscribe/bizsend").Body);
        Assert.Equal("tpl-1", body.RootElement.GetProperty("template_id").GetString());
        Assert.Equal(
            "订单 A1 派送中",
            body.RootElement.GetProperty("data").GetProperty("thing1").GetProperty("value").GetString()
        );
    }

    [Fact]
    public async Task MediaDownload_GivesTheBytes_OrTheError_AndRefusesOversizedMedia()
    {
        var client = Client();

        var photo = await new WeChatMediaApi(
            client,
            new InMemoryDocumentStore(),
            TimeProvider.System
        ).DownloadMediaAsync("m1", 1024, Ct);
        Assert.True(photo.Outcome.IsOk);
        Assert.Equal("image/jpeg", photo.ContentType);
        Assert.Equal(7, photo.Content!.Length);

        _api.Then("/cgi-bin/media/get", 40007);
        Assert.Equal(
            40007,
            (
                await new WeChatMediaApi(client, new InMemoryDocumentStore(), TimeProvider.System).DownloadMediaAsync(
                    "gone",
                    1024,
                    Ct
                )
            )
                .Outcome
                .ErrCode
        );

        Assert.False(
            (
                await new WeChatMediaApi(client, new InMemoryDocumentStore(), TimeProvider.System).DownloadMediaAsync(
                    "m2",
                    4,
                    Ct
                )
            )
                .Outcome
                .IsOk
        );
    }

    [Fact]
    public async Task NeitherTheSecretNorAnyTokenReachesALog_EvenThroughRefreshesAndRetries()
    {
        var client = Client();
        _api.Then(Send, 40001);
        _api.ThenStatus(Send, HttpStatusCode.ServiceUnavailable);
        _api.Then(Send, 45015);

        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);
        await client.SendCustomerMessageAsync("oUser", Reply.FromText("x"), Ct);

        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("token-", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("access_token", StringComparison.Ordinal));
    }
}
