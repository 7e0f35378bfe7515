using System.Globalization;
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

    private const int ManagementPort = 9464;

    private static BotFactory Bot()
    {
        var bot = new BotFactory();
        bot.Settings["Operations:ManagementUrls"] = $"http://127.0.0.1:{ManagementPort}";
        return bot;
    }

    // As a request arriving on a given port of the host: the test server has no sockets of its own.
    private static Task<HttpContext> GetAsync(BotFactory bot, int port) =>
        bot.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/metrics";
            context.Connection.LocalPort = port;
        });

    private static async Task<string> ScrapeAsync(BotFactory bot)
    {
        var context = await GetAsync(bot, ManagementPort);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.StartsWith("text/plain", context.Response.ContentType, StringComparison.Ordinal);
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync(Ct);
    }

    // The sum of a metric's samples whose labels contain the given one.
    private static double Sum(string scrape, string metric, string label) =>
        scrape
            .Split('\n')
            .Where(line =>
                line.StartsWith(metric + "{", StringComparison.Ordinal)
                && line.Contains(label, StringComparison.Ordinal)
            )
            .Sum(line =>
                double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            );
}
