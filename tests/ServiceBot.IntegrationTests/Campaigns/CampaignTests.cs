using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Notifications;

namespace ServiceBot.IntegrationTests.Campaigns;

/// <summary>
/// Campaigns through the real host: audience by SKU and recency, preview by rule, a paged fan-out
/// through the same policy as every notice, and exactly one message per customer who may get it.
/// The bot's clock is fixed; 11:00 in Shanghai is inside promotion hours.
/// </summary>
public sealed class CampaignTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero); // 11:00 in Shanghai
    private readonly FakeTimeProvider _clock = new(Now.AddDays(-3));
    private readonly List<HttpClient> _clients = [];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;
    private HttpClient _merchant = null!;
    private HttpClient _wechat = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A: opted in, wrote an hour ago. B: never opted in. E: opted in, but last wrote 3 days ago.
    // C bought another product; D bought it too long ago: neither is in the audience.
    private string A => $"oA{_run}";

    private string B => $"oB{_run}";

    private string C => $"oC{_run}";

    private string D => $"oD{_run}";

    private string E => $"oE{_run}";

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.WithMetrics();
        _merchant = _bot.CreateClient();
        _merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        _wechat = _bot.CreateClient();
        _clients.AddRange([_merchant, _wechat]);

        await OrderAsync("O-A", A, "MUG-1", Now.AddDays(-5));
        await OrderAsync("O-B", B, "MUG-1", Now.AddDays(-6));
        await OrderAsync("O-C", C, "PAN-9", Now.AddDays(-2));
        await OrderAsync("O-D", D, "MUG-1", Now.AddDays(-90));
        await OrderAsync("O-E", E, "MUG-1", Now.AddDays(-10));
        foreach (var who in new[] { C, D, E })
        {
            await OptInToPromotionsAsync(who);
        }

        _clock.SetUtcNow(Now.AddHours(-1));
        await OptInToPromotionsAsync(A);
        await SayAsync(B, "你好");
        _clock.SetUtcNow(Now);
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    private async Task OrderAsync(string orderId, string openId, string sku, DateTimeOffset placedAt) =>
        (
            await _merchant.PutAsync(
                $"/api/orders/{orderId}",
                new StringContent(
                    $$"""
                    {"openId":"{{openId}}","placedAt":"{{placedAt:O}}","status":"delivered",
                     "items":[{"sku":"{{sku}}","name":"杯子","quantity":1,"price":59}]}
                    """,
                    Encoding.UTF8,
                    "application/json"
                ),
                Ct
            )
        ).EnsureSuccessStatusCode();

    private async Task OptInToPromotionsAsync(string openId)
    {
        await SayAsync(openId, "通知");
        Assert.Contains("已开启优惠活动通知", await SayAsync(openId, "2"), StringComparison.Ordinal);
    }

    private async Task<string> SayAsync(string openId, string text)
    {
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Text(openId, WeChatWire.NewMsgId(), text),
                openId,
                timestamp: WeChatWire.Unix(_clock.GetUtcNow())
            ),
            Ct
        );
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string CampaignJson(string id, DateTimeOffset sendAt, string title = "冬季保温杯 8 折") =>
        $$$"""
            {"campaignId":"{{{id}}}","title":"{{{title}}}","body":"本周下单立减 20%","url":"https://shop.example/winter",
             "sendAt":"{{{sendAt:O}}}","audience":{"skus":["MUG-1"],"orderedWithinDays":30}}
            """;

    private async Task<JsonElement> StatusAsync(string id) =>
        await _merchant.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}", Ct);

    private Task StatusIsAsync(string id, string status) =>
        Eventually.HoldsAsync(
            async () => (await StatusAsync(id)).GetProperty("status").GetString() == status,
            $"campaign {id} never became '{status}'"
        );

    private Task FinishedAsync(string id) => StatusIsAsync(id, "finished");

    private async Task<List<NoticeRecord>> AuditAsync(string openId) =>
        (
            await _merchant.GetFromJsonAsync<List<NoticeRecord>>(
                $"/api/customers/{openId}/notices",
                new JsonSerializerOptions(NoticeJsonContext.Default.Options),
                Ct
            )
        )!;

    [Fact]
    public async Task Preview_CountsTheAudience_AndWhatHoldsEachOneBack_SendingNothing()
    {
        using var created = await _merchant.PostAsync(
            "/api/campaigns",
            Json(CampaignJson("winter", Now.AddDays(1))),
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var response = await _merchant.PostAsync("/api/campaigns/winter/preview", null, Ct);
        var preview = (await response.Content.ReadFromJsonAsync(CampaignJsonContext.Default.CampaignPreview, Ct))!;

        // Evaluated at its send time, a day later: A's window is still open, E's closed, B never opted in.
        Assert.Equal((3, 1), (preview.Audience, preview.WouldSend));
        Assert.Equal(new Dictionary<string, int> { ["Channel"] = 1, ["Consent"] = 1 }, preview.HeldBack);
        Assert.Empty(_api.CustomerMessages);
        Assert.Empty(await AuditAsync(A));
    }

    [Fact]
    public async Task FanOut_SendsOneMessageToEachCustomerThePolicyAllows_RecordsWhyNotForTheRest()
    {
        using var created = await _merchant.PostAsync("/api/campaigns", Json(CampaignJson("now", Now)), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await FinishedAsync("now");

        var message = Assert.Single(_api.CustomerMessages);
        Assert.Equal(A, message.GetProperty("touser").GetString());
        Assert.Contains(
            "冬季保温杯 8 折",
            message.GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal([("campaign:now", "Send")], (await AuditAsync(A)).Select(r => (r.Key, r.Verdict.ToString())));
        Assert.Equal(
            [("Drop", "Consent")],
            (await AuditAsync(B)).Select(r => (r.Verdict.ToString(), r.Rule.ToString()))
        );
        Assert.Equal(
            [("Drop", "Channel")],
            (await AuditAsync(E)).Select(r => (r.Verdict.ToString(), r.Rule.ToString()))
        );
        Assert.Empty(await AuditAsync(C));
        Assert.Empty(await AuditAsync(D));
        var progress = (await StatusAsync("now")).GetProperty("progress");
        Assert.Equal(
            (3, 1, 2),
            (
                progress.GetProperty("recipients").GetInt32(),
                progress.GetProperty("sent").GetInt32(),
                progress.GetProperty("dropped").GetInt32()
            )
        );

        // The same post again changes nothing; the same id with other content is a conflict.
        using var again = await _merchant.PostAsync("/api/campaigns", Json(CampaignJson("now", Now)), Ct);
        using var other = await _merchant.PostAsync(
            "/api/campaigns",
            Json(CampaignJson("now", Now, title: "别的活动")),
            Ct
        );
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (again.StatusCode, other.StatusCode));
        Assert.Single(_api.CustomerMessages);
    }

    private async Task UnfollowAsync(string openId)
    {
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(
                WeChatWire.Event(openId, "unsubscribe", createTime: _clock.GetUtcNow().ToUnixTimeSeconds()),
                openId,
                timestamp: WeChatWire.Unix(_clock.GetUtcNow())
            ),
            Ct
        );
        response.EnsureSuccessStatusCode();
    }

    private async Task<int> UnfollowCostAsync(string id) => (await StatusAsync(id)).GetProperty("unfollows").GetInt32();

    [Fact]
    public async Task ACampaign_ShowsItsCostInFollowers_OnItsPageAndInMetrics()
    {
        var id = $"cost{_run}";
        (await _merchant.PostAsync("/api/campaigns", Json(CampaignJson(id, Now)), Ct)).Dispose();
        await FinishedAsync(id);
        Assert.Equal(0, await UnfollowCostAsync(id));

        // A got it and unfollows two hours later; E never got it.
        _clock.Advance(TimeSpan.FromHours(2));
        await UnfollowAsync(A);
        await UnfollowAsync(E);

        await Eventually.HoldsAsync(async () => await UnfollowCostAsync(id) == 1, "A's unfollow was not counted");
        var status = await StatusAsync(id);
        Assert.Equal(1, status.GetProperty("progress").GetProperty("sent").GetInt32());
        var scrape = await MetricsScrape.TextAsync(_bot, Ct);
        Assert.Equal(1, MetricsScrape.Sum(scrape, "servicebot_campaign_unfollows_total", $"campaign=\"{id}\""));
        var today = (await _merchant.GetFromJsonAsync<JsonElement>("/api/insights/days?days=1", Ct))[0];
        Assert.Equal(
            ("2026-11-23", 2),
            (today.GetProperty("date").GetString(), today.GetProperty("unfollows").GetInt32())
        );
    }

    [Fact]
    public async Task AnUnfollowMoreThan48HoursAfter_IsNotTheCampaignsCost()
    {
        var id = $"late{_run}";
        (await _merchant.PostAsync("/api/campaigns", Json(CampaignJson(id, Now)), Ct)).Dispose();
        await FinishedAsync(id);

        _clock.Advance(TimeSpan.FromHours(49));
        await UnfollowAsync(A);

        await Eventually.HoldsAsync(
            async () =>
                (await _merchant.GetFromJsonAsync<JsonElement>("/api/insights/days?days=1", Ct))[0]
                    .GetProperty("unfollows")
                    .GetInt32() == 1,
            "the unfollow was not counted at all"
        );
        Assert.Equal(0, await UnfollowCostAsync(id));
    }

    [Fact]
    public async Task ACancelledCampaign_SendsNothing_EvenIfItsJobStillRan()
    {
        using var created = await _merchant.PostAsync(
            "/api/campaigns",
            Json(CampaignJson("later", Now.AddHours(1))),
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var cancelled = await _merchant.DeleteAsync("/api/campaigns/later", Ct);
        using var unknown = await _merchant.DeleteAsync("/api/campaigns/nope", Ct);
        _clock.SetUtcNow(Now.AddHours(2)); // past its send time: Quartz runs on the host's clock
        var step = await _bot.Services.GetRequiredService<CampaignRunner>().RunStepAsync("later", Ct);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var scheduler = await _bot.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Ct);
        Assert.False(await scheduler.Exists(new Quartz.JobKey("later", CampaignFanOutJob.Group), Ct));
        Assert.Null(step);
        Assert.Equal("cancelled", (await StatusAsync("later")).GetProperty("status").GetString());
        Assert.Empty(_api.CustomerMessages);
        Assert.Empty(await AuditAsync(A));
    }

    [Fact]
    public async Task PostedInQuietHours_IsHeldBackUntilTen_AndThenSentOnce()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 13, 30, 0, TimeSpan.Zero)); // 21:30 in Shanghai
        using var created = await _merchant.PostAsync(
            "/api/campaigns",
            Json(CampaignJson("late", _clock.GetUtcNow())),
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The first pass ends with A held back: the campaign then waits for ten o'clock.
        await StatusIsAsync("late", "waiting for held-back recipients");

        var held = Assert.Single(await AuditAsync(A));
        Assert.Equal(
            ("Defer", "QuietHours", new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8))),
            (held.Verdict.ToString(), held.Rule.ToString(), held.NotBefore)
        );
        Assert.Empty(_api.CustomerMessages);

        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero)); // 10:00 the next morning
        await FinishedAsync("late");

        Assert.Equal(A, Assert.Single(_api.CustomerMessages).GetProperty("touser").GetString());
        Assert.Equal(["Defer", "Send"], (await AuditAsync(A)).Select(r => r.Verdict.ToString()));
    }

    [Theory]
    [InlineData(
        """{"title":"t","body":"b","sendAt":"2026-11-23T11:00:00+08:00","audience":{"skus":[]}}""",
        "campaignId"
    )]
    [InlineData(
        """
            {"campaignId":"bad id!","title":"t","body":"b","sendAt":"2026-11-23T11:00:00+08:00","audience":{"skus":[]}}
            """,
        "campaignId"
    )]
    [InlineData(
        """
            {"campaignId":"c1","title":"t","body":"b","url":"ftp://x","sendAt":"2026-11-23T11:00:00+08:00",
            "audience":{"skus":[]}}
            """,
        "url"
    )]
    [InlineData("""{"campaignId":"c1","title":"t","body":"b","audience":{"skus":[]}}""", "sendAt")]
    [InlineData("""{"campaignId":"c1","title":"t","body":"b","sendAt":"tomorrow","audience":{"skus":[]}}""", "sendAt")]
    [InlineData(
        """{"campaignId":"c1","title":"t","body":"b","sendAt":"2026-11-23T11:00:00+08:00","audience":{"skus":[""]}}""",
        "audience.skus"
    )]
    [InlineData(
        """
            {"campaignId":"c1","title":"t","body":"b","sendAt":"2026-11-23T11:00:00+08:00","audience":{"skus":[],
            "orderedWithinDays":0}}
            """,
        "audience.orderedWithinDays"
    )]
    public async Task ABadCampaign_Is400NamingTheField_AndNothingIsStoredOrSent(string json, string field)
    {
        using var response = await _merchant.PostAsync("/api/campaigns", Json(json), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for {field}: {errors}");
        Assert.Equal(HttpStatusCode.NotFound, (await _merchant.GetAsync("/api/campaigns/c1", Ct)).StatusCode);
        Assert.Empty(_api.CustomerMessages);
    }

    [Fact]
    public async Task WithoutTheMerchantKey_CampaignsAre401()
    {
        using var anonymous = _bot.CreateClient();
        using var response = await anonymous.PostAsync("/api/campaigns", Json(CampaignJson("x", Now)), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
