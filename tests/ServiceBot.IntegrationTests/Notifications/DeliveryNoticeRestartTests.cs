using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.Notifications;

/// <summary>
/// A notice deferred overnight survives the bot restarting in between, and goes out once in the morning.
/// </summary>
public sealed class DeliveryNoticeRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeferredNotice_SurvivesARestart_AndIsSentOnceWhenTheWindowOpens()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        var folder = Directory.CreateTempSubdirectory("servicebot-restart-").FullName;
        var openId = WeChatWire.OpenId();
        var evening = new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero); // 22:30 in Shanghai
        var morning = new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero); // 07:00 in Shanghai

        using (var before = Bot(folder, api, new FakeTimeProvider(evening)))
        {
            using var merchant = Merchant(before);
            (
                await merchant.PutAsync(
                    "/api/orders/R1",
                    new StringContent(
                        $$$"""
                        {"openId":"{{{openId}}}","placedAt":"{{{evening.AddDays(-1):O}}}","status":"shipped",
                         "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                         "shipment":{"carrier":"顺丰","trackingNumber":"SFR1","status":"in_transit"}}
                        """,
                        Encoding.UTF8,
                        "application/json"
                    ),
                    Ct
                )
            ).EnsureSuccessStatusCode();
            using var wechat = before.CreateClient();
            await wechat.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, 1, "通知"), openId, timestamp: WeChatWire.Unix(evening)),
                Ct
            );
            await wechat.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, 2, "1"), openId, timestamp: WeChatWire.Unix(evening)),
                Ct
            );
            using var courier = await CourierAsync(wechat, evening);
            courier.EnsureSuccessStatusCode();
            Assert.True(await DecidedAsync(merchant, openId, 1));
        }

        var clock = new FakeTimeProvider(evening);
        using (var after = Bot(folder, api, clock))
        {
            using var merchant = Merchant(after);
            clock.SetUtcNow(morning);

            Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
            Assert.True(await DecidedAsync(merchant, openId, 2));
            Assert.Single(api.CustomerMessages);
            Assert.Contains(
                "R1",
                api.CustomerMessages.Single().GetProperty("text").GetProperty("content").GetString(),
                StringComparison.Ordinal
            );
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static BotFactory Bot(string folder, WeChatApiStandIn api, FakeTimeProvider clock)
    {
        var bot = new BotFactory(folder) { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
        bot.Settings["Couriers:sf:Secret"] = "s";
        bot.Settings["Couriers:sf:Carriers"] = "SF,顺丰";
        bot.Settings["Merchant:ApiKey"] = "k";
        return bot;
    }

    private static HttpClient Merchant(BotFactory bot)
    {
        var http = bot.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", "k");
        return http;
    }

    private static async Task<HttpResponseMessage> CourierAsync(HttpClient http, DateTimeOffset at)
    {
        var body = Encoding.UTF8.GetBytes(
            $$"""
            {"eventId":"r-1","carrier":"SF","trackingNumber":"SFR1","status":"out_for_delivery",
            "occurredAt":"{{at:O}}"}
            """
        );
        using var request = CourierWire.Signed(body, "s", at);
        return await http.SendAsync(request, Ct);
    }

    // Waits (with a deadline) for the audit trail to hold this many decisions.
    private static Task<bool> DecidedAsync(HttpClient merchant, string openId, int count) =>
        Eventually.HappensAsync(async () =>
            (
                await merchant.GetFromJsonAsync<List<NoticeRecord>>(
                    $"/api/customers/{openId}/notices",
                    new System.Text.Json.JsonSerializerOptions(NoticeJsonContext.Default.Options),
                    Ct
                )
            )!.Count >= count
        );
}
