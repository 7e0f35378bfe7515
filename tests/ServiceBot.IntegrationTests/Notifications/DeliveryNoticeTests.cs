using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.Notifications;

/// <summary>
/// Courier event → scheduled job → policy → one customer-service message at the WeChat stand-in.
/// The bot's clock is fixed at 11:00 in Shanghai so quiet hours are deterministic; Quartz runs on real time.
/// </summary>
public sealed class DeliveryNoticeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Daytime = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Daytime);
    private readonly string _openId = WeChatWire.OpenId();
    private readonly List<HttpClient> _clients = [];
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        _bot.Settings["Couriers:sf:Secret"] = "s";
        _bot.Settings["Couriers:sf:Carriers"] = "SF,顺丰";
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["WeChat:Templates:Delivery"] = "tpl-delivery";
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    private async Task PutOrderAsync(HttpClient merchant) =>
        (
            await merchant.PutAsync(
                "/api/orders/A1001",
                new StringContent(
                    $$$"""
                    {"openId":"{{{_openId}}}","placedAt":"{{{Daytime.AddDays(-1):O}}}","status":"shipped",
                     "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                     "shipment":{"carrier":"顺丰","trackingNumber":"SF100","status":"in_transit"}}
                    """,
                    Encoding.UTF8,
                    "application/json"
                ),
                Ct
            )
        ).EnsureSuccessStatusCode();

    /// <summary>
    /// The merchant's client, with order A1001 stored and, when asked, the customer opted in to delivery notices.
    /// </summary>
    private async Task<(HttpClient Merchant, HttpClient WeChat)> ShopAsync(bool optIn = true, DateTimeOffset? at = null)
    {
        var merchant = _bot.CreateClient();
        var wechat = _bot.CreateClient();
        _clients.AddRange([merchant, wechat]);
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        await PutOrderAsync(merchant);
        if (at is { } time)
        {
            _clock.SetUtcNow(time);
        }

        await SayAsync(wechat, "通知");
        if (optIn)
        {
            Assert.Contains("已开启物流通知", await SayAsync(wechat, "1"), StringComparison.Ordinal);
        }

        return (merchant, wechat);
    }

    private async Task<string> SayAsync(HttpClient wechat, string text)
    {
        using var response = await wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(_openId, WeChatWire.NewMsgId(), text),
                _openId,
                timestamp: WeChatWire.Unix(_clock.GetUtcNow())
            ),
            Ct
        );
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
    }

    private async Task<HttpResponseMessage> CourierAsync(HttpClient http, string eventId, string status)
    {
        var body = Encoding.UTF8.GetBytes(
            $$"""
            {"eventId":"{{eventId}}","carrier":"SF","trackingNumber":"SF100","status":"{{status}}",
            "occurredAt":"{{_clock.GetUtcNow():O}}","location":"上海浦东"}
            """
        );
        using var request = CourierWire.Signed(body, "s", _clock.GetUtcNow());
        return await http.SendAsync(request, Ct);
    }

    // Each notice is its own non-durable job, deleted once decided: wait (with a deadline) for that.
    private async Task NoticeSettledAsync(string status)
    {
        var scheduler = await _bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        var job = new JobKey(
            DeliveryNotices.KeyOf("A1001", Enum.Parse<ServiceBot.Services.Orders.ShipmentStatus>(status)),
            DeliveryNoticeJob.Group
        );
        await Eventually.HoldsAsync(async () => !await scheduler.Exists(job, Ct), "the notice job did not finish");
    }

    private Task<bool> AuditEntryAsync(HttpClient merchant) =>
        Eventually.HappensAsync(async () => (await AuditAsync(merchant)).Count > 0);

    private async Task<List<NoticeRecord>> AuditAsync(HttpClient merchant) =>
        (
            await merchant.GetFromJsonAsync<List<NoticeRecord>>(
                $"/api/customers/{_openId}/notices",
                new JsonSerializerOptions(NoticeJsonContext.Default.Options),
                Ct
            )
        )!;

    [Fact]
    public async Task OutForDelivery_ForAnOptedInCustomer_IsOneMessage_EvenWhenTheEventIsReplayed()
    {
        var (merchant, wechat) = await ShopAsync();

        using var first = await CourierAsync(wechat, "ev-1", "out_for_delivery");
        Assert.True(await _api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        await NoticeSettledAsync("OutForDelivery");
        using var replay = await CourierAsync(wechat, "ev-1", "out_for_delivery");
        await NoticeSettledAsync("OutForDelivery");

        var message = Assert.Single(_api.CustomerMessages);
        Assert.Equal(_openId, message.GetProperty("touser").GetString());
        var text = message.GetProperty("text").GetProperty("content").GetString()!;
        Assert.Contains("A1001", text, StringComparison.Ordinal);
        Assert.Contains("SF100", text, StringComparison.Ordinal);
        var sent = Assert.Single(await AuditAsync(merchant));
        Assert.Equal(
            ("order:A1001:OutForDelivery", "Send", "CustomerService"),
            (sent.Key, sent.Verdict.ToString(), sent.Channel.ToString())
        );
    }

    [Theory]
    [InlineData("never opted in")]
    [InlineData("TD")]
    [InlineData("unfollowed")]
    public async Task NotOptedIn_AfterTd_AfterUnfollow_NoMessage_AndTheConsentRuleIsRecorded(string who)
    {
        var (merchant, wechat) = await ShopAsync(optIn: who != "never opted in");
        if (who == "TD")
        {
            Assert.Contains("已退订", await SayAsync(wechat, "TD"), StringComparison.Ordinal);
        }
        else if (who == "unfollowed")
        {
            using var unfollow = await wechat.SendAsync(
                WeChatWire.Encrypted(
                    WeChatWire.Event(_openId, "unsubscribe"),
                    _openId,
                    timestamp: WeChatWire.Unix(_clock.GetUtcNow())
                ),
                Ct
            );
            unfollow.EnsureSuccessStatusCode();
        }

        using var courier = await CourierAsync(wechat, "ev-2", "out_for_delivery");
        Assert.True(await AuditEntryAsync(merchant), "the notice was never decided");
        await NoticeSettledAsync("OutForDelivery");

        Assert.Empty(_api.CustomerMessages);
        Assert.Empty(_api.SubscribeMessages);
        var dropped = Assert.Single(await AuditAsync(merchant));
        Assert.Equal(("Drop", "Consent"), (dropped.Verdict.ToString(), dropped.Rule.ToString()));
    }

    [Fact]
    public async Task APopupAccept_WithoutTheOptIn_CarriesExactlyOneSubscribeMessage_ARetriedPopupCountsOnce()
    {
        var (merchant, wechat) = await ShopAsync(optIn: false);
        for (var copy = 0; copy < 2; copy++)
        {
            // WeChat retries the same event (same user, CreateTime and event): one consent, not two.
            using var popup = await wechat.SendAsync(
                WeChatWire.Encrypted(
                    WeChatWire.SubscribePopup(_openId, 1_763_870_500, ("tpl-delivery", true), ("tpl-other", true)),
                    _openId,
                    timestamp: WeChatWire.Unix(_clock.GetUtcNow())
                ),
                Ct
            );
            popup.EnsureSuccessStatusCode();
        }

        using var outForDelivery = await CourierAsync(wechat, "ev-6", "out_for_delivery");
        await NoticeSettledAsync("OutForDelivery");
        _clock.Advance(TimeSpan.FromMinutes(30));
        using var delivered = await CourierAsync(wechat, "ev-7", "delivered");
        await NoticeSettledAsync("Delivered");

        Assert.Empty(_api.CustomerMessages);
        var message = Assert.Single(_api.SubscribeMessages);
        Assert.Equal(
            (_openId, "tpl-delivery"),
            (message.GetProperty("touser").GetString(), message.GetProperty("template_id").GetString())
        );
        Assert.Equal(
            "A1001",
            message.GetProperty("data").GetProperty("character_string1").GetProperty("value").GetString()
        );
        Assert.Equal(
            [("order:A1001:OutForDelivery", "Send", "Allowed"), ("order:A1001:Delivered", "Drop", "Consent")],
            (await AuditAsync(merchant)).Select(r => (r.Key, r.Verdict.ToString(), r.Rule.ToString()))
        );
    }

    [Fact]
    public async Task InTransit_IsNotAnnounced()
    {
        var (merchant, wechat) = await ShopAsync();

        _clock.Advance(TimeSpan.FromMinutes(1));
        using var courier = await CourierAsync(wechat, "ev-3", "in_transit");
        await NoticeSettledAsync("InTransit");

        Assert.Empty(_api.CustomerMessages);
        Assert.Empty(await AuditAsync(merchant));
    }

    [Fact]
    public async Task DecidedInQuietHours_IsDeferredToSevenOClock_AndSentOnceThen()
    {
        // 22:30 in Shanghai
        var (merchant, wechat) = await ShopAsync(at: new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));

        using var courier = await CourierAsync(wechat, "ev-4", "out_for_delivery");
        Assert.True(await AuditEntryAsync(merchant), "the notice was never decided");

        var deferred = Assert.Single(await AuditAsync(merchant));
        Assert.Equal(("Defer", "QuietHours"), (deferred.Verdict.ToString(), deferred.Rule.ToString()));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.FromHours(8)), deferred.NotBefore);
        Assert.Empty(_api.CustomerMessages);

        // Morning: Quartz runs on the host's clock, so moving it to 07:00 fires the deferred trigger.
        var scheduler = await _bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        var job = new JobKey(
            DeliveryNotices.KeyOf("A1001", ServiceBot.Services.Orders.ShipmentStatus.OutForDelivery),
            DeliveryNoticeJob.Group
        );
        Assert.True(await scheduler.Exists(job, Ct));
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero)); // 07:00 in Shanghai

        Assert.True(await _api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        await NoticeSettledAsync("OutForDelivery");
        Assert.Single(_api.CustomerMessages);
        Assert.Equal(["Defer", "Send"], (await AuditAsync(merchant)).Select(r => r.Verdict.ToString()));
    }

    [Theory]
    [InlineData("退订")]
    [InlineData("unfollow")]
    public async Task WithdrawingAfterTheNoticeWasDeferred_CancelsItAtOnce_NothingGoesOutInTheMorning(string how)
    {
        // 22:30 in Shanghai
        var (merchant, wechat) = await ShopAsync(at: new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
        using var courier = await CourierAsync(wechat, "ev-5", "out_for_delivery");
        Assert.True(await AuditEntryAsync(merchant), "the notice was never decided");

        if (how == "unfollow")
        {
            using var unfollow = await wechat.SendAsync(
                WeChatWire.Encrypted(
                    WeChatWire.Event(_openId, "unsubscribe"),
                    _openId,
                    timestamp: WeChatWire.Unix(_clock.GetUtcNow())
                ),
                Ct
            );
            unfollow.EnsureSuccessStatusCode();
        }
        else
        {
            Assert.Contains("已退订", await SayAsync(wechat, how), StringComparison.Ordinal);
        }

        // Cancelled when the withdrawal is saved, not when the morning comes.
        var scheduler = await _bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        Assert.False(
            await scheduler.Exists(
                new JobKey(
                    DeliveryNotices.KeyOf("A1001", ServiceBot.Services.Orders.ShipmentStatus.OutForDelivery),
                    DeliveryNoticeJob.Group
                ),
                Ct
            )
        );
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero)); // 07:00 in Shanghai

        Assert.Empty(_api.CustomerMessages);
        var audit = await AuditAsync(merchant);
        Assert.Equal(
            [("Defer", "QuietHours"), ("Drop", "Consent")],
            audit.Select(r => (r.Verdict.ToString(), r.Rule.ToString()))
        );
        Assert.Equal(
            how == "unfollow" ? "cancelled: consent withdrawn (unfollow)" : "cancelled: consent withdrawn (keyword)",
            audit[^1].Detail
        );
    }
}
