using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.Notifications;

/// <summary>
/// Service notices to customers outside WeChat's 48-hour window: one template message, settled by
/// WeChat's delivery report (TEMPLATESENDJOBFINISH) through the webhook, against the API stand-in.
/// The bot's clock is 11:00 in Shanghai; Quartz runs on real time.
/// </summary>
public sealed class TemplateMessageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Daytime = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Daytime);
    private readonly string _openId = WeChatWire.OpenId();
    private readonly List<HttpClient> _clients = [];
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;
    private HttpClient _merchant = null!;
    private HttpClient _wechat = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        _bot.Settings["Couriers:sf:Secret"] = "s";
        _bot.Settings["Couriers:sf:Carriers"] = "SF,顺丰";
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["WeChat:TemplateMessages:Delivery:Id"] = "tm-delivery";
        _bot.Settings["WeChat:TemplateMessages:ReturnOutcome:Id"] = "tm-return";
        _bot.Settings["Notices:ClaimLease"] = "00:00:30";
        _merchant = Client();
        _merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        _wechat = Client();
        await PutOrderAsync("in_transit");
        Assert.Contains("已开启物流通知", await SayAsync("通知") + await SayAsync("1"), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task SilentForThreeDays_OutForDeliveryIsOneTemplateMessage_AndTheReportMarksItDelivered()
    {
        _clock.Advance(TimeSpan.FromDays(3));

        await CourierAsync("ev-1", "out_for_delivery");
        await SettledAsync("order:A1001:OutForDelivery");

        Assert.Empty(_api.CustomerMessages);
        var message = Assert.Single(_api.TemplateMessages);
        Assert.Equal(
            (_openId, "tm-delivery", "A1001"),
            (
                message.GetProperty("touser").GetString(),
                message.GetProperty("template_id").GetString(),
                message.GetProperty("data").GetProperty("character_string1").GetProperty("value").GetString()
            )
        );
        var sent = Assert.Single(await AuditAsync());
        Assert.Equal((NoticeChannel.TemplateMessage, NoticeDelivery.Unknown), (sent.Channel, sent.Delivery));

        await ReportAsync(Assert.Single(_api.TemplateMsgIds), "success");

        var settled = Assert.Single(await AuditAsync());
        Assert.Equal((NoticeDelivery.Delivered, sent.MessageId), (settled.Delivery, settled.MessageId));
    }

    [Fact]
    public async Task InsideTheWindow_TheCustomerServiceMessageIsPreferred()
    {
        await CourierAsync("ev-1", "out_for_delivery");
        await SettledAsync("order:A1001:OutForDelivery");

        Assert.Single(_api.CustomerMessages);
        Assert.Empty(_api.TemplateMessages);
    }

    [Fact]
    public async Task ALostAnswer_SettledByASuccessReport_IsNeverSentAgain()
    {
        _clock.Advance(TimeSpan.FromDays(3));
        _api.NextFaults.Enqueue(ApiFault.TakenNoAnswer);

        await CourierAsync("ev-1", "out_for_delivery");
        await SettledAsync("order:A1001:OutForDelivery");
        var unanswered = Assert.Single(await AuditAsync());
        Assert.Equal(
            (Verdict.Send, NoticeDelivery.Unknown, null),
            (unanswered.Verdict, unanswered.Delivery, unanswered.MessageId)
        );

        await ReportAsync(Assert.Single(_api.TemplateMsgIds), "success");
        await CourierAsync("ev-1", "out_for_delivery"); // the courier repeats itself
        await SettledAsync("order:A1001:OutForDelivery");

        Assert.Single(_api.TemplateMessages);
        Assert.Equal(NoticeDelivery.Delivered, Assert.Single(await AuditAsync()).Delivery);
    }

    [Fact]
    public async Task ASystemFailureReport_IsSentOnceMore_AndNotAThirdTime()
    {
        _clock.Advance(TimeSpan.FromDays(3));
        await CourierAsync("ev-1", "out_for_delivery");
        await SettledAsync("order:A1001:OutForDelivery");

        await ReportAsync(_api.TemplateMsgIds.Last(), "failed: system failed");
        Assert.True(await Eventually.HappensAsync(() => Task.FromResult(_api.TemplateMessages.Count == 2)));
        await ResendSettledAsync();
        var resent = Assert.Single(await AuditAsync());
        Assert.True(resent.Resent);
        Assert.Equal(
            _api.TemplateMsgIds.Last().ToString(System.Globalization.CultureInfo.InvariantCulture),
            resent.MessageId
        );

        await ReportAsync(_api.TemplateMsgIds.Last(), "failed: system failed");
        await ResendSettledAsync();

        Assert.Equal(2, _api.TemplateMessages.Count);
        var final = Assert.Single(await AuditAsync());
        Assert.Equal((NoticeDelivery.Failed, false), (final.Delivery, final.ResendDue));
    }

    [Fact]
    public async Task APromotion_IsNeverATemplateMessage_EvenWhenItAsksToBeOne()
    {
        Assert.Contains("已开启", await SayAsync("通知") + await SayAsync("2"), StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromDays(3));
        var sender = _bot.Services.GetRequiredService<NoticeSender>();

        var outcome = await sender.DecideAndSendAsync(
            new OutgoingNotice(
                new ConversationReference("wechat", _openId),
                new NoticeCandidate(NoticeTopic.Promotion, "campaign:C1") { Template = TemplateKind.Delivery },
                [Reply.FromText("双十二全场八折")],
                new Dictionary<string, string> { ["orderId"] = "C1" }
            ),
            1,
            Ct
        );

        Assert.Equal((Verdict.Drop, PolicyRule.Channel), (outcome.Verdict, outcome.Rule));
        Assert.Empty(_api.TemplateMessages);
    }

    [Fact]
    public async Task TheMerchantMarkingAnOrderShipped_SendsShippedOnce()
    {
        await PutOrderAsync("picked_up", orderStatus: "paid", orderId: "A2002", tracking: "SF200");

        await PutOrderAsync("picked_up", orderStatus: "shipped", orderId: "A2002", tracking: "SF200");
        await SettledAsync("order:A2002:Shipped");
        await PutOrderAsync("picked_up", orderStatus: "shipped", orderId: "A2002", tracking: "SF200");

        var message = Assert.Single(_api.CustomerMessages);
        Assert.Contains(
            "A2002 已发货",
            message.GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task TheFirstInTransitScan_SendsShippedOnce()
    {
        await PutOrderAsync("picked_up", orderId: "A3003", tracking: "SF300");

        await CourierAsync("ev-1", "in_transit", "SF300");
        await SettledAsync("order:A3003:Shipped");
        _clock.Advance(TimeSpan.FromMinutes(5));
        await CourierAsync("ev-2", "in_transit", "SF300");

        var message = Assert.Single(_api.CustomerMessages);
        Assert.Contains(
            "A3003 已发货",
            message.GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task AReturnDecidedForACustomerSilentForDays_IsToldByTemplate_AndTheAnswerSaysSo()
    {
        await ReturnAsync("R-T1");
        _clock.Advance(TimeSpan.FromDays(3));

        var told = await DecideAsync("R-T1");

        Assert.Equal(
            ("sent", "templateMessage"),
            (told.GetProperty("status").GetString(), told.GetProperty("channel").GetString())
        );
        var message = Assert.Single(_api.TemplateMessages);
        Assert.Equal("tm-return", message.GetProperty("template_id").GetString());
        Assert.Equal(
            "R-T1",
            message.GetProperty("data").GetProperty("character_string1").GetProperty("value").GetString()
        );
    }

    [Fact]
    public async Task AReturnDecidedAtNight_IsToldAtSeven_AndTheAnswerSaysWhen()
    {
        await ReturnAsync("R-N1");
        _clock.Advance(TimeSpan.FromHours(12.5)); // 23:30 in Shanghai

        var told = await DecideAsync("R-N1");

        Assert.Equal(
            ("deferred", "quietHours"),
            (told.GetProperty("status").GetString(), told.GetProperty("rule").GetString())
        );
        Assert.Equal(
            new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero),
            told.GetProperty("until").GetDateTimeOffset()
        );
        Assert.Empty(_api.CustomerMessages);

        // Morning: Quartz runs on the host's clock, so 07:00 fires the deferred telling.
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero));

        Assert.True(await _api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var message = Assert.Single(_api.CustomerMessages).GetProperty("text").GetProperty("content").GetString();
        Assert.Contains("R-N1 已通过", message, StringComparison.Ordinal);
        Assert.Empty(_api.TemplateMessages);
    }

    private async Task ReturnAsync(string rmaId) =>
        Assert.True(
            await _bot
                .Services.GetRequiredService<ServiceBot.Services.Returns.ReturnStore>()
                .CreateAsync(
                    new ServiceBot.Services.Returns.ReturnRequest(
                        rmaId,
                        "A1001",
                        _openId,
                        "CUP-1",
                        "Arrived damaged",
                        ServiceBot.Services.Returns.ReturnStatus.Requested,
                        [],
                        _clock.GetUtcNow(),
                        null,
                        null,
                        new ConversationReference("wechat", _openId)
                    ),
                    Ct
                )
        );

    private async Task<JsonElement> DecideAsync(string rmaId)
    {
        using var decision = await _merchant.PostAsJsonAsync(
            $"/api/returns/{rmaId}/decision",
            new { approve = true, note = "请用原包装寄回" },
            Ct
        );
        decision.EnsureSuccessStatusCode();
        return (await decision.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("told");
    }

    private HttpClient Client()
    {
        var client = _bot.CreateClient();
        _clients.Add(client);
        return client;
    }

    private async Task PutOrderAsync(
        string shipmentStatus,
        string orderStatus = "shipped",
        string orderId = "A1001",
        string tracking = "SF100"
    ) =>
        (
            await _merchant.PutAsync(
                $"/api/orders/{orderId}",
                new StringContent(
                    $$$"""
                    {"openId":"{{{_openId}}}","placedAt":"{{{Daytime.AddDays(-1):O}}}","status":"{{{orderStatus}}}",
                     "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                     "shipment":{"carrier":"顺丰","trackingNumber":"{{{tracking}}}","status":"{{{shipmentStatus}}}"}}
                    """,
                    Encoding.UTF8,
                    "application/json"
                ),
                Ct
            )
        ).EnsureSuccessStatusCode();

    private async Task<string> SayAsync(string text)
    {
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(_openId, WeChatWire.NewMsgId(), text),
                _openId,
                timestamp: WeChatWire.Unix(_clock.GetUtcNow())
            ),
            Ct
        );
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
    }

    private async Task CourierAsync(string eventId, string status, string tracking = "SF100")
    {
        var body = Encoding.UTF8.GetBytes(
            $$"""
            {"eventId":"{{eventId}}","carrier":"SF","trackingNumber":"{{tracking}}","status":"{{status}}",
            "occurredAt":"{{_clock.GetUtcNow():O}}","location":"上海浦东"}
            """
        );
        using var request = CourierWire.Signed(body, "s", _clock.GetUtcNow());
        (await _wechat.SendAsync(request, Ct)).EnsureSuccessStatusCode();
    }

    // WeChat posts the report to the account's server: the webhook, as any event.
    private async Task ReportAsync(long msgId, string status)
    {
        var xml = _api.TemplateReport(msgId, status, _clock.GetUtcNow().ToUnixTimeSeconds());
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(xml, _openId, timestamp: WeChatWire.Unix(_clock.GetUtcNow())),
            Ct
        );
        Assert.Equal("success", await response.Content.ReadAsStringAsync(Ct));
        await _bot.Services.GetRequiredService<ServiceBot.Bot.Channels.WeChat.BackgroundTurns>().WhenIdleAsync();
    }

    // Each notice is its own job, deleted once decided: wait (with a deadline) for that.
    private async Task SettledAsync(string key)
    {
        var scheduler = await _bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        await Eventually.HoldsAsync(
            async () => !await scheduler.Exists(new JobKey(key, DeliveryNoticeJob.Group), Ct),
            "the notice job did not finish"
        );
    }

    private async Task ResendSettledAsync()
    {
        var scheduler = await _bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        var job = NoticeResendJob.For(new ConversationReference("wechat", _openId), "order:A1001:OutForDelivery").Key;
        await Eventually.HoldsAsync(async () => !await scheduler.Exists(job, Ct), "the resend job did not finish");
    }

    private async Task<List<NoticeRecord>> AuditAsync() =>
        (
            await _merchant.GetFromJsonAsync<List<NoticeRecord>>(
                $"/api/customers/{_openId}/notices",
                new JsonSerializerOptions(NoticeJsonContext.Default.Options),
                Ct
            )
        )!;
}
