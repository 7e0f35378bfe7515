using System.Globalization;
using System.Net;
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
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var before = await ScrapeAsync(http);

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

        var after = await ScrapeAsync(http);
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
        using var bot = new BotFactory();
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        (
            await http.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好"), openId),
                Ct
            )
        ).Dispose();

        var text = await ScrapeAsync(http);
        Assert.DoesNotContain(openId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(BotFactory.Token, text, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync(Ct);
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
