using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;
using ServiceBot.Tests.Support;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

/// <summary>Exactly once and on time: WeChat retries, the reply budget, several instances.</summary>
public sealed class WeChatDeliveryTests : IAsyncLifetime
{
    private WeChatApiStandIn _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _api = await WeChatApiStandIn.StartAsync();

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    // sharedStore: two instances on one store, as several instances share Azure Blob (the local
    // store belongs to one process).
    private BotFactory Bot(CountingDialog.Probe probe, IDocumentStore? sharedStore = null, string? budget = null)
    {
        var bot = new BotFactory()
        {
            TestServices = services =>
            {
                services
                    .AddSingleton(probe)
                    .AddDialog<CountingDialog>()
                    .Configure<DialogOptions>(o => o.RootDialogId = CountingDialog.DialogId);
                if (sharedStore is not null)
                {
                    services.AddSingleton(sharedStore);
                }
            },
        };
        bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        if (budget is not null)
        {
            bot.Settings["WeChat:ReplyBudget"] = budget;
        }

        return bot;
    }

    private static async Task<string> ContentOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        return body == "success" ? body : WeChatWire.OpenReply(body)["Content"]!;
    }

    private static async Task<int> StoredTotalAsync(BotFactory bot, string openId)
    {
        var loaded = await bot
            .Services.GetRequiredService<ConversationStateStore>()
            .LoadAsync(new ConversationReference("wechat", openId), Ct);
        return CountingDialog.Total.Get(loaded.Record)?.Value ?? 0;
    }

    [Fact]
    public async Task ThreeConcurrentCopiesOfOneMsgId_OneSideEffect_SameReply()
    {
        var probe = new CountingDialog.Probe
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        using var bot = Bot(probe);
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        var xml = WeChatWire.Text(openId, WeChatWire.NewMsgId(), "在吗");

        // The first copy is inside the dialog when the retries arrive.
        var copies = Enumerable
            .Range(0, 3)
            .Select(_ => http.SendAsync(WeChatWire.Encrypted(xml, openId), Ct))
            .ToArray();
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        probe.Gate.SetResult();
        var answers = await Task.WhenAll(copies.Select(async c => await ContentOf(await c)));

        Assert.Single(probe.Runs);
        Assert.All(answers, a => Assert.Equal("第1条", a));
        Assert.Equal(1, await StoredTotalAsync(bot, openId));
    }

    [Fact]
    public async Task RetryAfterTheAnswer_GetsTheSameReply_WithoutRunningAgain()
    {
        var probe = new CountingDialog.Probe();
        using var bot = Bot(probe);
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        var msgId = WeChatWire.NewMsgId();

        var first = await ContentOf(
            await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, "你好"), openId), Ct)
        );
        var retry = await ContentOf(
            await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, "你好"), openId), Ct)
        );
        var next = await ContentOf(
            await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, msgId + 1, "你好"), openId), Ct)
        );

        Assert.Equal(["第1条", "第1条", "第2条"], new[] { first, retry, next });
        Assert.Equal(2, probe.Runs.Count);
    }

    [Fact]
    public async Task EventRetry_KeyedByUserTimeAndEvent_IsHandledOnce()
    {
        var probe = new CountingDialog.Probe();
        using var bot = Bot(probe);
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Event(openId, "CLICK", "ORDER_STATUS", 1_763_870_401), openId),
            Ct
        );
        await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Event(openId, "CLICK", "ORDER_STATUS", 1_763_870_401), openId),
            Ct
        );
        await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Event(openId, "CLICK", "ORDER_STATUS", 1_763_870_402), openId),
            Ct
        );

        Assert.Equal(2, probe.Runs.Count);
    }

    [Fact]
    public async Task SlowerThanTheBudget_AnswersSuccess_ThenExactlyOneCustomerServiceSend()
    {
        var probe = new CountingDialog.Probe
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        using var bot = Bot(probe, budget: "00:00:00.300");
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        var xml = WeChatWire.Text(openId, WeChatWire.NewMsgId(), "在吗");

        var answer = await ContentOf(await http.SendAsync(WeChatWire.Encrypted(xml, openId), Ct));
        Assert.Equal("success", answer);
        Assert.Empty(_api.CustomerMessages);

        // WeChat retries while the turn still runs: still success, and no second send.
        var retry = await ContentOf(await http.SendAsync(WeChatWire.Encrypted(xml, openId), Ct));
        probe.Gate.SetResult();

        Assert.Equal("success", retry);
        Assert.True(await _api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(10)));
        await bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();
        var sent = Assert.Single(_api.CustomerMessages);
        Assert.Equal(openId, sent.GetProperty("touser").GetString());
        Assert.Equal("第1条", sent.GetProperty("text").GetProperty("content").GetString());

        // A retry after it was pushed gets nothing more either.
        Assert.Equal("success", await ContentOf(await http.SendAsync(WeChatWire.Encrypted(xml, openId), Ct)));
        await bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();
        Assert.Single(_api.CustomerMessages);
        Assert.Single(probe.Runs);
    }

    [Fact]
    public async Task WithinTheBudget_NothingIsPushed()
    {
        using var bot = Bot(new CountingDialog.Probe());
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        var answer = await ContentOf(
            await http.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好"), openId),
                Ct
            )
        );
        await bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();

        Assert.Equal("第1条", answer);
        Assert.Empty(_api.CustomerMessages);
        Assert.Equal(0, _api.TokenRequests);
    }

    [Fact]
    public async Task TwoInstancesSharingStorage_SameMsgIdOnBoth_HandledOnce()
    {
        using var shared = new LogDocumentStore(Directory.CreateTempSubdirectory("servicebot-shared-").FullName);
        var probeA = new CountingDialog.Probe();
        var probeB = new CountingDialog.Probe();
        using var a = Bot(probeA, shared);
        using var b = Bot(probeB, shared);
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var openId = WeChatWire.OpenId();

        for (var i = 0; i < 10; i++)
        {
            var xml = WeChatWire.Text(openId, 5_000_000 + i, "你好");
            var answers = await Task.WhenAll(
                ContentOf(await httpA.SendAsync(WeChatWire.Encrypted(xml, openId), Ct)),
                ContentOf(await httpB.SendAsync(WeChatWire.Encrypted(xml, openId), Ct))
            );
            Assert.Equal(answers[0], answers[1]);
        }

        Assert.Equal(10, await StoredTotalAsync(a, openId));
    }

    [Fact]
    public async Task TwoInstancesRacingTheSameMsgId_CountOnce()
    {
        using var shared = new LogDocumentStore(Directory.CreateTempSubdirectory("servicebot-race-").FullName);
        using var a = Bot(new CountingDialog.Probe(), shared);
        using var b = Bot(new CountingDialog.Probe(), shared);
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var openId = WeChatWire.OpenId();
        var xml = WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好");

        var answers = await Task.WhenAll(
            Task.Run(async () => await ContentOf(await httpA.SendAsync(WeChatWire.Encrypted(xml, openId), Ct)), Ct),
            Task.Run(async () => await ContentOf(await httpB.SendAsync(WeChatWire.Encrypted(xml, openId), Ct)), Ct)
        );

        Assert.Equal("第1条", answers[0]);
        Assert.Equal("第1条", answers[1]);
        Assert.Equal(1, await StoredTotalAsync(b, openId));
    }
}
