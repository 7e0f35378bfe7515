using System.Net;
using Microsoft.AspNetCore.Http;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>/metrics: Prometheus text that an operator's scraper reads, moving with real turns.</summary>
[Collection(RunsAlone.Name)]
public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATurn_ShowsInTurnsRepliesAndStorageRequests()
    {
        using var bot = Bot();
        using var http = bot.CreateClient();
        var before = await ScrapeAsync(bot);

        var openId = WeChatWire.OpenId();
        using (
            var response = await http.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好"), openId),
                Ct
            )
        )
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var after = await ScrapeAsync(bot);
        Assert.True(
            Sum(after, "servicebot_turn_duration_seconds_count", "channel=\"wechat\"")
                > Sum(before, "servicebot_turn_duration_seconds_count", "channel=\"wechat\"")
        );
        Assert.True(
            Sum(after, "servicebot_replies_total", "delivery=\"passive\"")
                > Sum(before, "servicebot_replies_total", "delivery=\"passive\"")
        );
        Assert.True(
            Sum(after, "servicebot_storage_requests_total", "store=\"local\"")
                >= Sum(before, "servicebot_storage_requests_total", "store=\"local\"") + 2
        );
    }

    [Fact]
    public async Task TheScrape_HasNoSecretsOrCustomerIds()
    {
        using var bot = Bot();
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        (
            await http.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好"), openId),
                Ct
            )
        ).Dispose();

        var text = await ScrapeAsync(bot);
        Assert.DoesNotContain(openId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(BotFactory.Token, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AreServedOnTheManagementPortOnly_AndNowhereWhenItIsUnset()
    {
        using var bot = Bot();
        using var unset = new BotFactory();
        using var http = bot.CreateClient();

        using var onThePublicPort = await http.GetAsync("/metrics", Ct);
        var onTheManagementPort = await GetAsync(bot, ManagementPort);
        var withoutOne = await GetAsync(unset, ManagementPort);

        Assert.Equal(HttpStatusCode.NotFound, onThePublicPort.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, onTheManagementPort.Response.StatusCode);
        Assert.Equal(StatusCodes.Status404NotFound, withoutOne.Response.StatusCode);
    }

    private const int ManagementPort = MetricsScrape.ManagementPort;

    private static BotFactory Bot() => new BotFactory().WithMetrics();

    private static Task<HttpContext> GetAsync(BotFactory bot, int port) => MetricsScrape.GetAsync(bot, port);

    private static Task<string> ScrapeAsync(BotFactory bot) => MetricsScrape.TextAsync(bot, Ct);

    private static double Sum(string scrape, string metric, string label) => MetricsScrape.Sum(scrape, metric, label);
}
