using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// Two real bot processes sharing Azure Blob storage (Azurite) and a clustered Quartz on PostgreSQL:
/// a courier event delivered to both, and again after one restarts, gives the customer exactly one notice.
/// </summary>
public sealed class ClusteredNoticeTests(AzuriteFixture azurite, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string CourierSecret = "cluster-secret";
    private const string MerchantKey = "cluster-key";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fixed-offset zone where it is now between 12:00 and 13:00, so the real clock is inside delivery hours.</summary>
    private static string MiddayZone()
    {
        var offset = 12 - TimeProvider.System.GetUtcNow().Hour;
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    private static Dictionary<string, string> Environment(string container, string scheduler, WeChatApiStandIn api) => new()
    {
        ["WeChat__Token"] = BotFactory.Token,
        ["WeChat__AppId"] = BotFactory.AppId,
        ["WeChat__EncodingAESKey"] = BotFactory.AesKey,
        ["WeChat__AppSecret"] = "standin-secret",
        ["WeChat__ApiBaseUrl"] = api.BaseUrl.AbsoluteUri,
        ["Storage__Provider"] = "AzureBlob",
        ["Storage__Container"] = container,
        ["Scheduler__Provider"] = "PostgreSql",
        ["Scheduler__ConnectionString"] = scheduler,
        ["Couriers__sf__Secret"] = CourierSecret,
        ["Merchant__ApiKey"] = MerchantKey,
        ["Policy__TimeZone"] = MiddayZone(),
    };

    [Fact]
    public async Task OneCourierEvent_OnTwoInstances_AndAgainAfterARestart_IsOneNotice()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var container = "c" + Guid.NewGuid().ToString("N")[..20];
        var scheduler = await postgres.NewDatabaseAsync();
        var environment = Environment(container, scheduler, api);
        environment["Storage__ConnectionString"] = azurite.ConnectionString;
        var openId = WeChatWire.OpenId();

        var first = BotProcess.Start(environment);
        await using var second = BotProcess.Start(environment);
        try
        {
            await Task.WhenAll(first.WaitUntilListeningAsync(Ct), second.WaitUntilListeningAsync(Ct));
            using var a = Client(first);
            using var b = Client(second);

            (await a.PutAsync("/api/orders/K1", new StringContent($$$"""
                {"openId":"{{{openId}}}","placedAt":"{{{TimeProvider.System.GetUtcNow().AddDays(-1):O}}}","status":"shipped",
                 "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                 "shipment":{"carrier":"顺丰","trackingNumber":"SFK1","status":"in_transit"}}
                """, Encoding.UTF8, "application/json"), Ct)).EnsureSuccessStatusCode();
            await SayAsync(b, openId, 1, "通知");
            Assert.Contains("已开启物流通知", await SayAsync(b, openId, 2, "1"), StringComparison.Ordinal);

            // The courier's delivery lands on both instances at once (a retry through the load balancer).
            var deliveries = await Task.WhenAll(CourierAsync(a), CourierAsync(b));
            Assert.All(deliveries, d => Assert.True(d.IsSuccessStatusCode));
            Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(60)), first.Output + second.Output);
            await NoNoticeJobsLeftAsync(scheduler);

            // One instance dies and comes back; the courier sends the event once more.
            first.Kill();
            await using var restarted = BotProcess.Start(environment);
            await restarted.WaitUntilListeningAsync(Ct);
            using var c = Client(restarted);
            using var replay = await CourierAsync(c);
            Assert.True(replay.IsSuccessStatusCode);
            await NoNoticeJobsLeftAsync(scheduler);

            var message = Assert.Single(api.CustomerMessages);
            Assert.Contains("SFK1", message.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
            var audit = await c.GetFromJsonAsync<List<NoticeRecord>>($"/api/customers/{openId}/notices",
                new JsonSerializerOptions(NoticeJsonContext.Default.Options), Ct);
            // One send; a copy of the event that was scheduled again while the first was being sent is
            // recorded as dropped by the once rule, which is the proof, not a problem.
            Assert.Single(audit!, r => r.Verdict == ServiceBot.Services.Policy.Verdict.Send);
            Assert.All(audit!.Where(r => r.Verdict != ServiceBot.Services.Policy.Verdict.Send),
                r => Assert.Equal(("order:K1:OutForDelivery", "Drop", "Once"), (r.Key, r.Verdict.ToString(), r.Rule.ToString())));
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    private static HttpClient Client(BotProcess bot)
    {
        var http = new HttpClient { BaseAddress = bot.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", MerchantKey);
        return http;
    }

    private static async Task<string> SayAsync(HttpClient http, string openId, long msgId, string text)
    {
        using var response = await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, text), openId), Ct);
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
    }

    private static async Task<HttpResponseMessage> CourierAsync(HttpClient http)
    {
        var now = TimeProvider.System.GetUtcNow();
        var body = Encoding.UTF8.GetBytes($$"""{"eventId":"k-1","carrier":"SF","trackingNumber":"SFK1","status":"out_for_delivery","occurredAt":"{{now.AddMinutes(-1):O}}","location":"上海"}""");
        using var request = CourierWire.Signed(body, CourierSecret, now);
        return await http.SendAsync(request, Ct);
    }

    // Every notice is its own job, deleted once decided: wait (with a deadline) until the cluster has none left.
    private static async Task NoNoticeJobsLeftAsync(string scheduler)
    {
        await using var connection = new NpgsqlConnection(scheduler);
        await connection.OpenAsync(Ct);
        await Eventually.HoldsAsync(async () =>
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM qrtz_job_details WHERE job_group = 'delivery-notices'", connection);
            return (long)(await count.ExecuteScalarAsync(Ct))! == 0;
        }, "a notice job was still scheduled after a minute", TimeSpan.FromSeconds(60));
    }
}
