using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Handoff;

namespace ServiceBot.IntegrationTests.Insights;

/// <summary>
/// The day's numbers a merchant decides by: chats, how many the bot finished alone, and how fast people
/// answered and resolved the rest; counted in memory and kept in the store when the bot stops.
/// </summary>
public sealed class InsightDayTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero); // 11:00 in Shanghai

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatsHandoffsAndTimes_AreTheDays_AndSurviveARestart()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var clock = new FakeTimeProvider(Now);
        var folder = Directory.CreateTempSubdirectory("servicebot-insights-").FullName;
        BotFactory Bot()
        {
            var bot = new BotFactory(folder) { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
            bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
            bot.Settings["Merchant:ApiKey"] = "k";
            return bot;
        }

        using (var bot = Bot())
        {
            using var wechat = bot.CreateClient();
            var (a, b) = (WeChatWire.OpenId(), WeChatWire.OpenId());
            await SayAsync(wechat, clock, a, 1, "你好");
            await SayAsync(wechat, clock, b, 2, "你好");
            await SayAsync(wechat, clock, b, 3, "转人工");
            await SayAsync(wechat, clock, a, 4, "帮助"); // the same chat: a wrote minutes ago
            var follower = WeChatWire.OpenId();
            using (
                var followed = await wechat.SendAsync(
                    WeChatWire.Encrypted(
                        WeChatWire.Event(follower, "subscribe", createTime: clock.GetUtcNow().ToUnixTimeSeconds()),
                        follower,
                        timestamp: WeChatWire.Unix(clock.GetUtcNow())
                    ),
                    Ct
                )
            )
            {
                followed.EnsureSuccessStatusCode();
            }

            var desk = bot.Services.GetRequiredService<AgentDesk>();
            var handoff = Assert.Single(await desk.QueueAsync(Ct));
            clock.Advance(TimeSpan.FromSeconds(40));
            Assert.True((await desk.ClaimAsync(handoff.CaseId, "li", Ct)).Ok);
            clock.Advance(TimeSpan.FromSeconds(20));
            Assert.True((await desk.ReplyAsync(handoff.CaseId, "li", "您好，我来帮您", Ct)).Ok);
            Assert.True((await desk.ReplyAsync(handoff.CaseId, "li", "已为您处理", Ct)).Ok);
            clock.Advance(TimeSpan.FromMinutes(4));
            Assert.True((await desk.ReleaseAsync(handoff.CaseId, "li", resolved: true, Ct)).Ok);

            var today = await TodayAsync(bot);
            Assert.Equal(
                (2, 1, 1),
                (
                    today.GetProperty("chats").GetInt32(),
                    today.GetProperty("handedOff").GetInt32(),
                    today.GetProperty("contained").GetInt32()
                )
            );
            Assert.Equal(1, today.GetProperty("follows").GetInt32()); // a follow opens no chat
            Assert.Equal(60, today.GetProperty("averageFirstResponseSeconds").GetDouble());
            Assert.Equal(300, today.GetProperty("averageResolutionSeconds").GetDouble());
        }

        using (var restarted = Bot())
        {
            var today = await TodayAsync(restarted);
            Assert.Equal((2, 1), (today.GetProperty("chats").GetInt32(), today.GetProperty("handedOff").GetInt32()));
        }
    }

    private static async Task SayAsync(HttpClient wechat, TimeProvider clock, string openId, long msgId, string text)
    {
        using var response = await wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(openId, msgId, text),
                openId,
                timestamp: WeChatWire.Unix(clock.GetUtcNow())
            ),
            Ct
        );
        response.EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> TodayAsync(BotFactory bot)
    {
        using var merchant = bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var days = await merchant.GetFromJsonAsync<JsonElement>("/api/insights/days?days=1", Ct);
        Assert.Equal("2026-11-23", days[0].GetProperty("date").GetString());
        return days[0];
    }
}
