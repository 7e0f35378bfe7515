using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// The shared servers go away under traffic and come back: Azure Blob (Azurite, stopped and started
/// with its data) and PostgreSQL (restarted). Two instances; what was accepted is answered once.
/// </summary>
public sealed class OutageTests(AzuriteFixture shared, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Report(string counts) =>
        TestContext.Current.SendDiagnosticMessage("{0}: {1}", TestContext.Current.Test?.TestDisplayName ?? "", counts);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheStoreStoppingMidTraffic_Refuses503UntilItIsBack_AndEveryAcceptedMessageIsAnsweredOnce(
        bool shortBudgetOnOne
    )
    {
        await using var azurite = await AzuriteServer.StartAsync(persistent: true);
        await using var api = await WeChatApiStandIn.StartAsync();
        // At the default reply budget, turns that meet the outage fail well within it and answer 503, for
        // WeChat to retry; one under way when the store stops may still answer "success" and push its reply
        // later. With a 0.3 s budget on one instance, most of its answers are "success" and pushes, racing
        // the customer's next messages through the other instance (this lost a reply or two a run until
        // saves the store took without confirming were owned by the delivery that made them).
        await using var cluster = await BotCluster.StartAsync(
            2,
            azurite.ConnectionString,
            await postgres.NewDatabaseAsync(),
            api,
            perInstance: i => new Dictionary<string, string>
            {
                ["Logging__LogLevel__ServiceBot.Bot.Channels.WeChat.WeChatWebhook"] = "Debug",
                ["WeChat__ReplyBudget"] = i == 0 && shortBudgetOnOne ? "00:00:00.300" : "00:00:04",
            }
        );
        var clients = new[] { cluster.Client(0), cluster.Client(1) };
        string[] texts = ["你好", "帮助", "取消", "你好", "帮助", "取消", "你好", "帮助"];
        var customers = Enumerable.Range(0, 16).Select(_ => WeChatWire.OpenId()).ToArray();
        var accepted = new ConcurrentBag<(string OpenId, long MsgId, string? Reply)>();
        var refused = new ConcurrentDictionary<HttpStatusCode, int>();
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(2);

        // A control customer has the same conversation before anything goes wrong: what each customer must end up with.
        // It talks to instance 1, whose budget is the default: a cold first turn on a 0.3 s budget would answer
        // "success".
        var control = WeChatWire.OpenId();
        var expected = new List<string>();
        foreach (var text in texts)
        {
            expected.Add(await BotCluster.SayAsync(clients[1], control, WeChatWire.NewMsgId(), text, Ct));
        }

        // texts merge into one passive reply a turn: nothing is pushed when the store is up
        Assert.Empty(PushedTo(api, control));
        Assert.All(expected, e => Assert.False(string.IsNullOrWhiteSpace(e)));

        // WeChat: each message until it is accepted, trying again after an error as its retries would.
        var traffic = Parallel.ForEachAsync(
            customers,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
            async (openId, ct) =>
            {
                foreach (var text in texts)
                {
                    var msgId = WeChatWire.NewMsgId();
                    for (var attempt = 0; ; attempt++)
                    {
                        Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"message {msgId} was never accepted");
                        using var response = await clients[(attempt + (int)(msgId % 2)) % 2]
                            .SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, text), openId), ct);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            var body = await response.Content.ReadAsStringAsync(ct);
                            Assert.True(
                                body == "success" || body.StartsWith("<xml>", StringComparison.Ordinal),
                                $"200 with neither a reply nor success: '{body}' {response.Content.Headers.ContentType}"
                            );
                            accepted.Add(
                                (openId, msgId, body == "success" ? null : WeChatWire.OpenReply(body)["Content"])
                            );
                            break;
                        }

                        Assert.True((int)response.StatusCode >= 500, $"an outage answered {response.StatusCode}");
                        refused.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                        await Task.Delay(300, ct);
                    }
                }
            }
        );

        await Eventually.HoldsAsync(
            () => Task.FromResult(accepted.Count >= 30),
            "traffic never got going",
            TimeSpan.FromSeconds(60)
        );
        var beforeOutage = accepted.Count;
        await azurite.StopAsync();
        await Eventually.HoldsAsync(
            () => Task.FromResult(refused.Values.Sum() >= 10 || traffic.IsCompleted),
            "nothing was refused while the store was down",
            TimeSpan.FromSeconds(30)
        );
        var duringOutage = accepted.Count - beforeOutage;
        await azurite.StartAgainAsync();
        var restartedAt = TimeProvider.System.GetUtcNow();
        await traffic;

        var messages = customers.Length * texts.Length;
        Assert.Equal(messages, accepted.Count);
        var answeredLater = accepted.Count(a => a.Reply is null);

        // Every text reply merges into one message a turn: each message answered "success" owes exactly one push.
        // (Not the control's very replies: turns retried after the outage may run in another order, and the dialog
        // answers accordingly.)
        int Owed(string openId) => accepted.Count(a => a.OpenId == openId && a.Reply is null);
        try
        {
            await Eventually.HoldsAsync(
                () => Task.FromResult(customers.All(c => PushedTo(api, c).Count >= Owed(c))),
                "late replies were not all pushed",
                TimeSpan.FromSeconds(120)
            );
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var output = cluster.Output;
            var missing = customers
                .Where(c => PushedTo(api, c).Count < Owed(c))
                .SelectMany(c => accepted.Where(a => a.OpenId == c && a.Reply is null))
                .Select(a =>
                    $"{a.OpenId} {a.MsgId}: "
                    + string.Join(
                        " / ",
                        output
                            .Split('\n')
                            .Where(l =>
                                l.Contains(a.MsgId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                            )
                            .Select(l => l.Trim())
                    )
                );
            Assert.Fail(
                $"{e.Message}: {api.CustomerMessages.Count} of {answeredLater}; owed by customers short of "
                    + $"pushes:\n{string.Join("\n", missing)}\nstore back at {restartedAt:O}, "
                    + $"last refused {cluster.Instances.Select(i => i.LastPrinted("Connection refused")).Max():O}, "
                    + $"last retry {cluster.Instances.Select(i => i.LastPrinted("tried again")).Max():O}, "
                    + $"now {TimeProvider.System.GetUtcNow():O}\n{azurite.Status}\n{cluster.Output}"
            );
        }

        Assert.All(customers, c => Assert.Equal(Owed(c), PushedTo(api, c).Count));
        Assert.All(api.CustomerMessages, m =>
            Assert.False(string.IsNullOrWhiteSpace(m.GetProperty("text").GetProperty("content").GetString()))
        );

        var handled = 0d;
        foreach (var http in clients)
        {
            handled += await BotCluster.MetricAsync(
                http,
                "servicebot_turn_duration_seconds_count",
                Ct,
                "channel=\"wechat\"",
                "replay=\"false\""
            );
        }

        // A push is counted once the outbox has recorded it, just after WeChat took it.
        var pushed = 0d;
        await Eventually.HoldsAsync(
            async () =>
            {
                pushed = 0;
                foreach (var http in clients)
                {
                    pushed += await BotCluster.MetricAsync(http, "servicebot_replies_total", Ct, "delivery=\"pushed\"");
                }

                return pushed >= api.CustomerMessages.Count;
            },
            "pushes were not all counted",
            TimeSpan.FromSeconds(30)
        );

        // At most one completed turn per message (the control's too): a turn whose save reached the store as
        // it stopped, but whose answer did not come back, is answered from its record when WeChat retries;
        // the stored ids below show every message handled. Nothing pushed beyond what the customers received.
        Assert.InRange(handled, 1, messages + texts.Length);
        Assert.Equal(api.CustomerMessages.Count, pushed);
        var states = new ConversationStateStore(cluster.Store());
        foreach (var openId in customers)
        {
            var record = (await states.LoadAsync(new ConversationReference("wechat", openId), Ct)).Record;
            Assert.Equal(
                accepted
                    .Where(a => a.OpenId == openId)
                    .Select(a => a.MsgId.ToString(CultureInfo.InvariantCulture))
                    .Order(),
                record.Handled.Select(h => h.Id).Order()
            );
        }

        // An operator reading the log learns why each deferred turn waits (event 2011): the store's own words, not a
        // wrapper type.
        var waits = cluster
            .Output.Split('\n')
            .Where(l => l.Contains("the turn is tried again", StringComparison.Ordinal))
            .ToList();
        if (answeredLater > 0)
        {
            Assert.NotEmpty(waits);
        }

        Assert.All(waits, l =>
            Assert.Matches(
                @"the store is unreachable \(.+ in the blob store failed: (?!AggregateException).+\); "
                    + "the turn is tried again",
                l
            )
        );

        Report(
            $"{messages} messages; the store stopped after {beforeOutage} were accepted; {duringOutage} "
                + $"more accepted while it was down; "
                + $"refused meanwhile: "
                + $"{string.Join(", ", refused.Select(r => $"{(int)r.Key} x{r.Value}"))}; {handled} turns "
                + $"completed for {messages + texts.Length} messages "
                + $"({messages + texts.Length - handled} saved as the store stopped and answered from their "
                + $"record on a retry); "
                + $"{answeredLater} answered 'success' and each of those pushed exactly once ({pushed} pushes)"
        );
    }

    [Fact]
    public async Task PostgreSqlRestarting_CourierEventsAre503UntilItIsBack_ThenEachNoticeGoesOutOnce_AndChatCarriesOn()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var scheduler = await postgres.NewDatabaseAsync();
        await using var cluster = await BotCluster.StartAsync(2, shared.ConnectionString, scheduler, api);
        var clients = new[] { cluster.Client(0), cluster.Client(1) };
        var customers = Enumerable
            .Range(0, 10)
            .Select(i => (OpenId: WeChatWire.OpenId(), Tracking: $"SFP{i}{Guid.NewGuid():N}"[..16]))
            .ToArray();
        for (var i = 0; i < customers.Length; i++)
        {
            var (openId, tracking) = customers[i];
            await BotCluster.PutOrderAsync(clients[i % 2], $"PG{i}-{tracking}", openId, "CUP-1", tracking, Ct);
            await BotCluster.SayAsync(clients[i % 2], openId, WeChatWire.NewMsgId(), "通知", Ct);
            Assert.Contains(
                "已开启物流通知",
                await BotCluster.SayAsync(clients[(i + 1) % 2], openId, WeChatWire.NewMsgId(), "1", Ct),
                StringComparison.Ordinal
            );
        }

        await postgres.StopAsync();
        var refused = 0;
        var occurred = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        foreach (var (_, tracking) in customers)
        {
            using var response = await BotCluster.CourierAsync(
                clients[0],
                $"{tracking}-ofd",
                tracking,
                "out_for_delivery",
                occurred,
                Ct
            );
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            refused++;
        }

        // Chat needs no scheduler: customers are still answered while it is down; readiness says what is wrong.
        Assert.Contains(
            "取消",
            await BotCluster.SayAsync(clients[1], customers[0].OpenId, WeChatWire.NewMsgId(), "帮助", Ct),
            StringComparison.Ordinal
        );
        using (var ready = await clients[1].GetAsync("/readyz", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await postgres.StartAgainAsync();
        var retries = 0;
        foreach (var (_, tracking) in customers)
        {
            // The courier retries its event until it is taken, on whichever instance.
            for (var attempt = 1; ; attempt++)
            {
                using var response = await BotCluster.CourierAsync(
                    clients[attempt % 2],
                    $"{tracking}-ofd",
                    tracking,
                    "out_for_delivery",
                    occurred,
                    Ct
                );
                retries++;
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(attempt < 60, "the courier event was never taken after PostgreSQL came back");
                await Task.Delay(500, Ct);
            }
        }

        Assert.True(
            await api.WaitForCustomerMessagesAsync(customers.Length, TimeSpan.FromSeconds(120)),
            $"{api.CustomerMessages.Count} notices\n{cluster.Output}"
        );
        await BotCluster.NoJobsLeftAsync(scheduler, "delivery-notices", Ct);

        var byCustomer = api
            .CustomerMessages.GroupBy(m => m.GetProperty("touser").GetString())
            .ToDictionary(g => g.Key!, g => g.Count());
        Assert.All(customers, c => Assert.Equal(1, byCustomer.GetValueOrDefault(c.OpenId)));
        Assert.Equal(customers.Length, api.CustomerMessages.Count);
        Report(
            $"PostgreSQL stopped: {refused} courier events answered 503 + Retry-After, chat answered, /readyz 503; "
                + $"back: {retries} courier retries until taken; {api.CustomerMessages.Count} notices for "
                + $"{customers.Length} shipments, one each"
        );
    }

    private static List<string> PushedTo(WeChatApiStandIn api, string openId) =>
        [
            .. api
                .CustomerMessages.Where(m => m.GetProperty("touser").GetString() == openId)
                .Select(m => m.GetProperty("text").GetProperty("content").GetString()!),
        ];
}
