using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// Three real bot processes behind an imagined load balancer, sharing Azurite and a clustered Quartz
/// on PostgreSQL, with WeChat's retries, couriers' repeats, a failing WeChat API and a SIGKILL in the
/// middle of a campaign. Each test reports what it counted (diagnostic messages in the test log).
/// </summary>
public sealed class ClusterTests(AzuriteFixture azurite, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Instances = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Faults(WeChatApiStandIn api) =>
        string.Join(", ", api.FaultsServed.OrderBy(f => f.Key).Select(f => $"{f.Key} x{f.Value}"));

    private static void Report(string counts) =>
        TestContext.Current.SendDiagnosticMessage("{0}: {1}", TestContext.Current.Test?.TestDisplayName ?? "", counts);

    [Fact]
    public async Task WeChatRetries_LandingOnEveryInstance_AreEachAnsweredOnce()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        await using var cluster = await BotCluster.StartAsync(
            Instances,
            azurite.ConnectionString,
            await postgres.NewDatabaseAsync(),
            api
        );
        var clients = Enumerable.Range(0, Instances).Select(cluster.Client).ToArray();
        const int Customers = 30;
        string[] conversation = ["你好", "帮助", "取消"];
        var customers = Enumerable.Range(0, Customers).Select(_ => WeChatWire.OpenId()).ToArray();
        var answers = new ConcurrentBag<(string OpenId, long MsgId, HttpStatusCode Status, string? Reply)>();

        // Each message reaches all three instances at once, as WeChat's retries would through a load balancer.
        await Parallel.ForEachAsync(
            customers,
            new ParallelOptions { MaxDegreeOfParallelism = 10, CancellationToken = Ct },
            async (openId, ct) =>
            {
                for (var m = 0; m < conversation.Length; m++)
                {
                    var msgId = WeChatWire.NewMsgId();
                    var text = conversation[m];
                    await Task.WhenAll(
                        clients.Select(async http =>
                        {
                            using var response = await http.SendAsync(
                                WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, text), openId),
                                ct
                            );
                            var body = await response.Content.ReadAsStringAsync(ct);
                            answers.Add(
                                (
                                    openId,
                                    msgId,
                                    response.StatusCode,
                                    body == "success" ? null : WeChatWire.OpenReply(body)["Content"]
                                )
                            );
                        })
                    );
                }
            }
        );

        var messages = answers.GroupBy(a => a.MsgId).ToArray();
        Assert.Equal(Customers * conversation.Length, messages.Length);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        // A retry gets the reply the first delivery got (or "success"), never a different one.
        Assert.All(messages, m =>
            Assert.True(
                m.Select(a => a.Reply).OfType<string>().Distinct().Count() <= 1,
                $"message {m.Key} got different replies"
            )
        );
        var passive = messages.Count(m => m.Any(a => a.Reply is not null));
        var pushed = api.CustomerMessages.Count;
        Assert.Equal(messages.Length, passive + pushed);

        // Each message was handled by exactly one turn, whichever instance ran it: the other two were replays.
        var handled = 0d;
        var replays = 0d;
        foreach (var http in clients)
        {
            handled += await BotCluster.MetricAsync(
                http,
                "servicebot_turn_duration_seconds_count",
                Ct,
                "channel=\"wechat\"",
                "replay=\"false\""
            );
            replays += await BotCluster.MetricAsync(
                http,
                "servicebot_turn_duration_seconds_count",
                Ct,
                "channel=\"wechat\"",
                "replay=\"true\""
            );
        }

        Assert.Equal(messages.Length, handled);
        Assert.Equal(answers.Count - messages.Length, replays);

        // And the stored conversation shows each message once.
        var states = new ConversationStateStore(cluster.Store());
        foreach (var openId in customers)
        {
            var record = (await states.LoadAsync(new ConversationReference("wechat", openId), Ct)).Record;
            Assert.Equal(conversation, Transcript.Of(record).Where(l => l.FromUser).Select(l => l.Text));
        }

        Report(
            $"{messages.Length} messages delivered {answers.Count} times across {Instances} instances; "
                + $"{handled} turns handled them, "
                + $"{replays} deliveries were answered as replays; {passive} replies passive, {pushed} "
                + $"pushed; 0 handled twice"
        );
    }

    [Fact]
    public async Task CourierEvents_RepeatedOnEveryInstance_ThroughAFailingWeChatApi_AreOneNoticePerStatus()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var scheduler = await postgres.NewDatabaseAsync();
        await using var cluster = await BotCluster.StartAsync(Instances, azurite.ConnectionString, scheduler, api);
        var clients = Enumerable.Range(0, Instances).Select(cluster.Client).ToArray();
        const int Customers = 12;
        var customers = Enumerable
            .Range(0, Customers)
            .Select(i => (OpenId: WeChatWire.OpenId(), Tracking: $"SFX{Guid.NewGuid():N}"[..16]))
            .ToArray();
        for (var i = 0; i < Customers; i++)
        {
            var (openId, tracking) = customers[i];
            var http = clients[i % Instances];
            await BotCluster.PutOrderAsync(http, $"X{i}-{tracking}", openId, "CUP-1", tracking, Ct);
            await BotCluster.SayAsync(http, openId, WeChatWire.NewMsgId(), "通知", Ct);
            Assert.Contains(
                "已开启物流通知",
                await BotCluster.SayAsync(clients[(i + 1) % Instances], openId, WeChatWire.NewMsgId(), "1", Ct),
                StringComparison.Ordinal
            );
        }

        // WeChat misbehaves in every way it can while the notices go out. The two sends that get no
        // answer cannot be told apart by the bot: one was taken, one was not. Neither is sent again.
        foreach (
            var fault in new[]
            {
                ApiFault.TokenExpired,
                ApiFault.QuotaExceeded,
                ApiFault.TooManyMessages,
                ApiFault.ServerError,
                ApiFault.Hang,
                ApiFault.QuotaExceeded,
                ApiFault.ServerError,
                ApiFault.TakenNoAnswer,
            }
        )
        {
            api.NextFaults.Enqueue(fault);
        }

        var occurred = TimeProvider.System.GetUtcNow().AddMinutes(-5);
        foreach (var (status, minutes) in new[] { ("out_for_delivery", 0), ("delivered", 2) })
        {
            await Parallel.ForEachAsync(
                customers,
                new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct },
                async (customer, ct) =>
                {
                    // The courier's event reaches every instance (its retries through the load balancer).
                    var responses = await Task.WhenAll(
                        clients.Select(http =>
                            BotCluster.CourierAsync(
                                http,
                                $"{customer.Tracking}-{status}",
                                customer.Tracking,
                                status,
                                occurred.AddMinutes(minutes),
                                ct
                            )
                        )
                    );
                    Assert.All(responses, r =>
                        Assert.True(r.IsSuccessStatusCode, $"courier event answered {r.StatusCode}")
                    );
                    foreach (var response in responses)
                    {
                        response.Dispose();
                    }
                }
            );
        }

        // Every notice but the one WeChat never took arrives. The deadline leaves room for a notice
        // that meets the busy answers twice: deferred 1 min, then 2 min more (NoticeSender's retry).
        const int Expected = Customers * 2 - 1;
        Assert.True(
            await api.WaitForCustomerMessagesAsync(Expected, TimeSpan.FromSeconds(300)),
            $"{api.CustomerMessages.Count} notices arrived\n{cluster.Output}"
        );
        await BotCluster.NoJobsLeftAsync(scheduler, "delivery-notices", Ct);

        var byCustomer = api
            .CustomerMessages.GroupBy(m => m.GetProperty("touser").GetString()!)
            .ToDictionary(
                g => g.Key,
                g => g.Select(m => m.GetProperty("text").GetProperty("content").GetString()!).ToArray()
            );
        Assert.Equal(Expected, api.CustomerMessages.Count);
        var (unansweredTaken, unansweredLost) = (0, 0);
        foreach (var (openId, tracking) in customers)
        {
            var notices = byCustomer.GetValueOrDefault(openId, []);
            Assert.All(notices, n => Assert.Contains(tracking, n, StringComparison.Ordinal));
            var records = await BotCluster.NoticesAsync(clients[0], openId, Ct);
            foreach (var (status, text) in new[] { ("OutForDelivery", "派送"), ("Delivered", "签收") })
            {
                var went = notices.Count(n => n.Contains(text, StringComparison.Ordinal));
                var mine = records.Where(r => r.Key.EndsWith(":" + status, StringComparison.Ordinal)).ToArray();
                Assert.True(went <= 1, $"{openId} got '{status}' {went} times");
                if (
                    mine.Any(r =>
                        r.Verdict == Verdict.Drop
                        && r.Detail?.Contains("did not answer", StringComparison.Ordinal) == true
                    )
                )
                {
                    // Sent once with no answer, recorded, never repeated: WeChat may have it.
                    Assert.DoesNotContain(mine, r => r.Verdict == Verdict.Send);
                    (unansweredTaken, unansweredLost) =
                        went == 1 ? (unansweredTaken + 1, unansweredLost) : (unansweredTaken, unansweredLost + 1);
                }
                else
                {
                    Assert.Equal(1, went);
                    Assert.Single(mine, r => r.Verdict == Verdict.Send);
                }
            }
        }

        Assert.Equal((1, 1), (unansweredTaken, unansweredLost));
        Assert.Empty(api.NextFaults);
        var errors = new Dictionary<string, double>();
        var sends = 0d;
        foreach (var http in clients)
        {
            foreach (var code in new[] { "40001", "45009", "45047" })
            {
                errors[code] =
                    errors.GetValueOrDefault(code)
                    + await BotCluster.MetricAsync(
                        http,
                        "servicebot_wechat_api_errors_total",
                        Ct,
                        "api=\"custom_send\"",
                        $"code=\"{code}\""
                    );
            }

            sends += await BotCluster.MetricAsync(
                http,
                "servicebot_notices_total",
                Ct,
                "topic=\"Delivery\"",
                "verdict=\"Send\""
            );
        }

        // The scripted 40001 forces a new token once, on the instance that met it (normal mode still handed out
        // the rejected one); the others meet a 40001 for their superseded token, get the new one in normal
        // mode, and force nothing: one forced refresh for the whole cluster.
        Assert.True(errors["40001"] >= 1);
        Assert.Equal(1, api.ForcedRefreshes);
        Assert.Equal([2d, 1d], [errors["45009"], errors["45047"]]);
        Assert.Equal(Customers * 2 - 2, sends);
        Report(
            $"{Customers} shipments x 2 statuses, each event delivered to {Instances} instances "
                + $"({Customers * 2 * Instances} courier requests); "
                + $"faults served: {Faults(api)}; "
                + $"{api.SendAttempts} send attempts; {api.CustomerMessages.Count} notices, none twice; the "
                + $"2 sends WeChat never answered are recorded as such and not repeated "
                + $"(1 had reached WeChat, 1 had not)"
        );
    }

    [Fact]
    public async Task ACampaign_WhoseInstanceIsKilledMidFanOut_WithWeChatFailing_ReachesEveryOptedInOnce()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var scheduler = await postgres.NewDatabaseAsync();
        await using var cluster = await BotCluster.StartAsync(
            Instances,
            azurite.ConnectionString,
            scheduler,
            api,
            new Dictionary<string, string> { ["Notices__ClaimLease"] = "00:00:30" }
        );
        var clients = Enumerable.Range(0, Instances).Select(cluster.Client).ToArray();
        const int Customers = 800;
        var customers = Enumerable.Range(0, Customers).Select(_ => WeChatWire.OpenId()).ToArray();
        await Parallel.ForEachAsync(
            customers.Select((openId, i) => (openId, i)),
            new ParallelOptions { MaxDegreeOfParallelism = 12, CancellationToken = Ct },
            async (c, ct) =>
            {
                var http = clients[c.i % Instances];
                await BotCluster.PutOrderAsync(http, $"P{c.i}-{c.openId[^8..]}", c.openId, "MUG-9", null, ct);
                await BotCluster.SayAsync(http, c.openId, WeChatWire.NewMsgId(), "通知", ct);
                Assert.Contains(
                    "已开启优惠活动通知",
                    await BotCluster.SayAsync(clients[(c.i + 1) % Instances], c.openId, WeChatWire.NewMsgId(), "2", ct),
                    StringComparison.Ordinal
                );
            }
        );

        // WeChat is slow and, one send in 25, fails: each way in turn, and twice it never answers (once
        // having taken the message, once not).
        ApiFault[] rotation =
        [
            ApiFault.TokenExpired,
            ApiFault.QuotaExceeded,
            ApiFault.TooManyMessages,
            ApiFault.ServerError,
        ];
        api.SendDelay = TimeSpan.FromMilliseconds(40);
        api.FaultEvery = attempt =>
            attempt switch
            {
                100 => ApiFault.Hang,
                400 => ApiFault.TakenNoAnswer,
                _ when attempt % 25 == 0 => rotation[attempt / 25 % rotation.Length],
                _ => null,
            };

        var sendAt = TimeProvider.System.GetUtcNow();
        using (
            var created = await clients[0]
                .PostAsync(
                    "/api/campaigns",
                    new StringContent(
                        $$$"""
                        {"campaignId":"cluster-winter","title":"冬季保温杯 8 折","body":"本周下单立减 20%",
                         "url":"https://shop.example/winter","sendAt":"{{{sendAt:O}}}",
                         "audience":{"skus":["MUG-9"],"orderedWithinDays":30}}
                        """,
                        Encoding.UTF8,
                        "application/json"
                    ),
                    Ct
                )
        )
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Mid-way through the first page, the instance running the fan-out is killed; a new one takes its place.
        await Eventually.HoldsAsync(
            () => Task.FromResult(api.CustomerMessages.Count >= 150),
            "the fan-out never got going",
            TimeSpan.FromSeconds(60)
        );
        var running = cluster.RunningCampaign("cluster-winter");
        Assert.True(running >= 0, "no instance logged the campaign's fan-out\n" + cluster.Output);
        var deliveredAtKill = api.CustomerMessages.Count;
        var survivor = clients[(running + 1) % Instances];
        await cluster.ReplaceAsync(running);

        var status = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                status = await survivor.GetStringAsync("/api/campaigns/cluster-winter", Ct);
                return status.Contains("\"status\":\"finished\"", StringComparison.Ordinal);
            },
            "the campaign did not finish after its instance was killed\n" + cluster.Output,
            TimeSpan.FromMinutes(4)
        );
        var story =
            $"status {status}; killed instance {running} after {deliveredAtKill} messages\n"
            + string.Join(
                "\n",
                cluster
                    .Output.Split('\n')
                    .Where(l =>
                        l.Contains("Campaign", StringComparison.Ordinal)
                        || l.Contains("fail", StringComparison.OrdinalIgnoreCase)
                        || l.Contains("----", StringComparison.Ordinal)
                    )
            );

        var received = api
            .CustomerMessages.GroupBy(m => m.GetProperty("touser").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        // Never twice.
        Assert.All(received, r => Assert.Equal(1, r.Value));
        // Everyone else met a send whose fate nobody knows (cut off by the kill, or never answered),
        // and the ledger says so: WeChat may or may not have it.
        var notReceived = customers.Where(c => !received.ContainsKey(c)).ToArray();
        var (cutOff, cutOffReached, unanswered, unansweredReached) = (0, 0, 0, 0);
        foreach (var openId in customers)
        {
            var notices = await BotCluster.NoticesAsync(survivor, openId, Ct);
            var decided = notices.Where(n => n.Key == "campaign:cluster-winter").ToArray();
            Assert.True(decided.Length > 0, $"{openId}: no decision recorded; {received.Count} received\n{story}");
            var reached = received.ContainsKey(openId) ? 1 : 0;
            if (
                decided.Any(n =>
                    n.Verdict == Verdict.Drop
                    && n.Detail?.Contains("cut off mid-send", StringComparison.Ordinal) == true
                )
            )
            {
                (cutOff, cutOffReached) = (cutOff + 1, cutOffReached + reached);
                Assert.DoesNotContain(decided, n => n.Verdict == Verdict.Send);
            }
            else if (
                decided.Any(n =>
                    n.Verdict == Verdict.Drop && n.Detail?.Contains("did not answer", StringComparison.Ordinal) == true
                )
            )
            {
                (unanswered, unansweredReached) = (unanswered + 1, unansweredReached + reached);
                Assert.DoesNotContain(decided, n => n.Verdict == Verdict.Send);
            }
            else
            {
                Assert.True(
                    reached == 1,
                    $"{openId} got no campaign message and no record says why: "
                        + $"{string.Join("; ", decided.Select(d => $"{d.Verdict} {d.Rule} {d.Detail}"))}"
                );
                Assert.Single(decided, n => n.Verdict == Verdict.Send);
            }
        }

        // At most the sends the killed process had on the wire (8 at a time) are cut off; claims are
        // let go while a send waits to be retried, so a kill then cuts nothing off.
        Assert.InRange(cutOff, 0, 8);
        Assert.InRange(unanswered, 0, 2);
        Assert.Equal(notReceived.Length, cutOff - cutOffReached + unanswered - unansweredReached);
        Report(
            $"{Customers} opted-in customers; instance {running} SIGKILLed after {deliveredAtKill} had the notice; "
                + $"faults served: {Faults(api)}; "
                + $"{received.Count} received it once, 0 twice; {cutOff} were cut off mid-send by the kill "
                + $"({cutOffReached} of those reached WeChat anyway, "
                + $"{cutOff - cutOffReached} did not); {unanswered} sends went unanswered "
                + $"({unansweredReached} reached WeChat, {unanswered - unansweredReached} did not); "
                + "each of those is recorded as such and not repeated"
        );
    }

    [Fact]
    public async Task PhotoReturns_WithAnInstanceKilledMidWay_LoseNoReturnAndNoPhoto()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        // Every photo has bytes of its own: a JPEG header and its media id.
        api.MediaFor = mediaId => [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes(mediaId)];
        await using var cluster = await BotCluster.StartAsync(
            Instances,
            azurite.ConnectionString,
            await postgres.NewDatabaseAsync(),
            api
        );
        const int Customers = 24;
        const int PhotosEach = 2;
        var customers = Enumerable.Range(0, Customers).Select(_ => WeChatWire.OpenId()).ToArray();
        using (var merchant = cluster.Client(0))
        {
            var delivered = TimeProvider.System.GetUtcNow().AddDays(-2);
            for (var i = 0; i < Customers; i++)
            {
                using var put = await merchant.PutAsync(
                    $"/api/orders/R{i}-{customers[i][^8..]}",
                    new StringContent(
                        $$$"""
                        {"openId":"{{{customers[i]}}}","placedAt":"{{{delivered:O}}}","status":"delivered",
                         "items":[{"sku":"KETTLE-1","name":"电热水壶","quantity":1,"price":159}],
                         "shipment":{"carrier":"中通","trackingNumber":"ZT{{{i}}}{{{customers[i][
                            ^8..
                        ]}}}","status":"delivered","deliveredAt":"{{{delivered:O}}}"}}
                        """,
                        Encoding.UTF8,
                        "application/json"
                    ),
                    Ct
                );
                put.EnsureSuccessStatusCode();
            }
        }

        var photosAccepted = 0;
        var failovers = 0;
        var rmas = new ConcurrentDictionary<string, string>();

        // WeChat: a message that gets no answer (its instance died) is sent again, through the load balancer to
        // another.
        async Task<string> SayAsync(string openId, string xml, int route, CancellationToken ct)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var http = cluster.Client((route + attempt) % Instances);
                try
                {
                    using var response = await http.SendAsync(WeChatWire.Encrypted(xml, openId), ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(ct))["Content"]!;
                    }
                }
                catch (HttpRequestException)
                {
                    // connection refused or reset: the instance is gone
                }

                Interlocked.Increment(ref failovers);
                Assert.True(attempt < 30, $"a message was never answered\n{cluster.Output}");
                await Task.Delay(200, ct);
            }
        }

        var flows = Parallel.ForEachAsync(
            customers.Select((openId, i) => (openId, i)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (c, ct) =>
            {
                var msgId = WeChatWire.NewMsgId() / 2;
                Assert.Contains(
                    "请选择退货原因",
                    await SayAsync(c.openId, WeChatWire.Text(c.openId, msgId++, "退货"), c.i, ct),
                    StringComparison.Ordinal
                );
                Assert.Contains(
                    "请拍下商品照片",
                    await SayAsync(c.openId, WeChatWire.Text(c.openId, msgId++, "1"), c.i + 1, ct),
                    StringComparison.Ordinal
                );
                for (var p = 1; p <= PhotosEach; p++)
                {
                    var reply = await SayAsync(
                        c.openId,
                        WeChatWire.Image(c.openId, msgId++, $"{c.openId}-photo-{p}"),
                        c.i + p + 1,
                        ct
                    );
                    Assert.Contains($"收到第 {p} 张", reply, StringComparison.Ordinal);
                    Interlocked.Increment(ref photosAccepted);
                }

                Assert.Contains(
                    $"照片：{PhotosEach} 张",
                    await SayAsync(c.openId, WeChatWire.Text(c.openId, msgId++, "好了"), c.i + 2, ct),
                    StringComparison.Ordinal
                );
                var submitted = await SayAsync(c.openId, WeChatWire.Text(c.openId, msgId++, "确认"), c.i, ct);
                rmas[c.openId] = System.Text.RegularExpressions.Regex.Match(submitted, "R[0-9]{6}-[0-9A-F]{16}").Value;
            }
        );

        // Mid-way through the photos, one instance is SIGKILLed (and later replaced).
        await Eventually.HoldsAsync(
            () => Task.FromResult(photosAccepted >= Customers * PhotosEach / 3 || flows.IsCompleted),
            "no photo was accepted",
            TimeSpan.FromSeconds(60)
        );
        var atKill = photosAccepted;
        cluster.Kill(1);
        await Task.WhenAny(flows, Task.Delay(TimeSpan.FromSeconds(2), Ct));
        await cluster.ReplaceAsync(1);
        await flows;

        using var reader = cluster.Client(0);
        var returns = (await reader.GetFromJsonAsync<JsonElement>("/api/returns?status=requested", Ct))
            .EnumerateArray()
            .ToArray();
        var mine = returns.Where(r => customers.Contains(r.GetProperty("openId").GetString())).ToArray();
        Assert.Equal(Customers, mine.Length);
        Assert.Equal(Customers, mine.Select(r => r.GetProperty("openId").GetString()).Distinct().Count());
        var photos = 0;
        foreach (var request in mine)
        {
            var openId = request.GetProperty("openId").GetString()!;
            var rma = request.GetProperty("rmaId").GetString()!;
            Assert.Equal(rmas[openId], rma);
            var kept = request.GetProperty("photos").EnumerateArray().ToArray();
            Assert.Equal(PhotosEach, kept.Length);
            var bytes = await Task.WhenAll(
                kept.Select(k =>
                    reader.GetByteArrayAsync($"/api/returns/{rma}/photos/{k.GetProperty("id").GetString()}", Ct)
                )
            );
            Assert.Equal(
                Enumerable.Range(1, PhotosEach).Select(p => $"{openId}-photo-{p}").Order(),
                bytes.Select(b => Encoding.ASCII.GetString(b, 4, b.Length - 4)).Order()
            );
            photos += kept.Length;
        }

        Report(
            $"{Customers} photo returns ({Customers * PhotosEach} photos) through {Instances} instances; "
                + $"instance 1 SIGKILLed after {atKill} photos were accepted; "
                + $"{failovers} messages went to another instance after no answer; {mine.Length} returns "
                + $"opened, one a customer, {photos} photos kept, each the customer's own bytes"
        );
    }
}
