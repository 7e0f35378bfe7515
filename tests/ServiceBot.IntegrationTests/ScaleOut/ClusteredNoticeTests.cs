using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// Two real bot processes sharing Azure Blob storage (Azurite) and a clustered Quartz on PostgreSQL:
/// a courier event delivered to both, and again after one restarts, gives the customer exactly one notice.
/// </summary>
public sealed class ClusteredNoticeTests(AzuriteFixture azurite, PostgresFixture postgres)
    : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneCourierEvent_OnTwoInstances_AndAgainAfterARestart_IsOneNotice()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var scheduler = await postgres.NewDatabaseAsync();
        await using var cluster = await BotCluster.StartAsync(2, azurite.ConnectionString, scheduler, api);
        var openId = WeChatWire.OpenId();
        var occurred = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        using (var a = cluster.Client(0))
        using (var b = cluster.Client(1))
        {
            await BotCluster.PutOrderAsync(a, "K1", openId, "CUP-1", "SFK1", Ct);
            await BotCluster.SayAsync(b, openId, 1, "通知", Ct);
            Assert.Contains(
                "已开启物流通知",
                await BotCluster.SayAsync(b, openId, 2, "1", Ct),
                StringComparison.Ordinal
            );

            // The courier's delivery lands on both instances at once (a retry through the load balancer).
            var deliveries = await Task.WhenAll(
                BotCluster.CourierAsync(a, "k-1", "SFK1", "out_for_delivery", occurred, Ct),
                BotCluster.CourierAsync(b, "k-1", "SFK1", "out_for_delivery", occurred, Ct)
            );
            Assert.All(deliveries, d => Assert.True(d.IsSuccessStatusCode));
            Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(60)), cluster.Output);
            await BotCluster.NoJobsLeftAsync(scheduler, "delivery-notices", Ct);
        }

        // One instance dies and comes back; the courier sends the event once more.
        await cluster.ReplaceAsync(0);
        using var c = cluster.Client(0);
        using (var replay = await BotCluster.CourierAsync(c, "k-1", "SFK1", "out_for_delivery", occurred, Ct))
        {
            Assert.True(replay.IsSuccessStatusCode);
        }

        await BotCluster.NoJobsLeftAsync(scheduler, "delivery-notices", Ct);
        var message = Assert.Single(api.CustomerMessages);
        Assert.Contains(
            "SFK1",
            message.GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
        var audit = await BotCluster.NoticesAsync(c, openId, Ct);
        // One send; a copy of the event that was scheduled again while the first was being sent is
        // recorded as dropped by the once rule, which is the proof, not a problem.
        Assert.Single(audit, r => r.Verdict == Verdict.Send);
        Assert.All(audit.Where(r => r.Verdict != Verdict.Send), r =>
            Assert.Equal(("order:K1:OutForDelivery", "Drop", "Once"), (r.Key, r.Verdict.ToString(), r.Rule.ToString()))
        );
    }
}
