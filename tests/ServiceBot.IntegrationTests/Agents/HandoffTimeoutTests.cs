using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Handoff;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>
/// The queue timeout runs on the host's scheduler: nobody claims within ten minutes, the customer hears it once.
/// </summary>
public sealed class HandoffTimeoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NobodyClaimsWithinTenMinutes_TheCustomerIsOfferedACallBackOnce_AndTheBotAnswersAgain()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero)); // 11:00 in Shanghai
        using var bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
        using var wechat = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var asked = await wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(openId, 1, "转人工"),
                openId,
                timestamp: WeChatWire.Unix(clock.GetUtcNow())
            ),
            Ct
        );
        Assert.Contains(
            "转接人工客服",
            WeChatWire.OpenReply(await asked.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
        var desk = bot.Services.GetRequiredService<AgentDesk>();
        Assert.Single(await desk.QueueAsync(Ct));

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.False(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromMilliseconds(300)));
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Contains(
            "回电",
            Assert.Single(api.CustomerMessages).GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
        // The job closes the case right after telling the customer.
        await Eventually.HoldsAsync(
            async () => (await desk.QueueAsync(Ct)).Count == 0,
            "the timed-out case stayed in the queue"
        );

        using var after = await wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(openId, 2, "回电"),
                openId,
                timestamp: WeChatWire.Unix(clock.GetUtcNow())
            ),
            Ct
        );
        Assert.Contains(
            "请回复您的手机号",
            WeChatWire.OpenReply(await after.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task QueuedOutOfHours_TheWaitStartsWhenAgentsAreBack()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        // 20:00 in Shanghai
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
        using var wechat = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var asked = await wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(openId, 1, "转人工"),
                openId,
                timestamp: WeChatWire.Unix(clock.GetUtcNow())
            ),
            Ct
        );
        Assert.Contains(
            "非工作时间",
            WeChatWire.OpenReply(await asked.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
        var queued = Assert.Single(await bot.Services.GetRequiredService<AgentDesk>().QueueAsync(Ct));
        var scheduler = await bot.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Ct);
        var trigger = await scheduler.GetTrigger(new Quartz.TriggerKey(queued.CaseId, HandoffTimeoutJob.Queue), Ct);

        // 09:00 the next morning in Shanghai, plus the ten minutes: not ten minutes from 20:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 1, 10, 0, TimeSpan.Zero), trigger!.NextFireTimeUtc);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 1, 10, 0, TimeSpan.Zero));
        Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
    }
}
