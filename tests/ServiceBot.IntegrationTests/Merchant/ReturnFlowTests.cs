using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>A return from WeChat messages to the merchant's decision, through every real endpoint.</summary>
public sealed class ReturnFlowTests : IAsyncLifetime
{
    // Today at 11:00 in Shanghai: the decision's notice falls inside delivery hours, whenever the tests run.
    private readonly FakeTimeProvider _clock = new(
        new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddHours(3), TimeSpan.Zero)
    );
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
    }

    public async ValueTask DisposeAsync()
    {
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task PhotoReturn_IsStored_Listed_Decided_AndTheCustomerToldOnce()
    {
        var openId = WeChatWire.OpenId();
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var delivered = _clock.GetUtcNow().AddDays(-2).ToString("O");
        using var put = await merchant.PutAsync(
            "/api/orders/K1001",
            new StringContent(
                $$$"""
                {"openId":"{{{openId}}}","placedAt":"{{{delivered}}}","status":"delivered",
                 "items":[{"sku":"KETTLE-1","name":"电热水壶","quantity":1,"price":159}],
                 "shipment":{"carrier":"中通","trackingNumber":"ZT1","status":"delivered",
                             "deliveredAt":"{{{delivered}}}"}}
                """,
                Encoding.UTF8,
                "application/json"
            ),
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var wechat = _bot.CreateClient();
        var msgId = WeChatWire.NewMsgId();

        async Task<string> SayAsync(string xml)
        {
            using var response = await wechat.SendAsync(
                WeChatWire.Encrypted(xml, openId, timestamp: WeChatWire.Unix(_clock.GetUtcNow())),
                Ct
            );
            return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
        }

        Assert.Contains(
            "请选择退货原因",
            await SayAsync(WeChatWire.Text(openId, msgId++, "退货")),
            StringComparison.Ordinal
        );
        Assert.Contains(
            "请拍下商品照片",
            await SayAsync(WeChatWire.Text(openId, msgId++, "1")),
            StringComparison.Ordinal
        );
        var photo = WeChatWire.Image(openId, msgId++, "media-1");
        Assert.Contains("收到第 1 张", await SayAsync(photo), StringComparison.Ordinal);
        Assert.Contains("收到第 1 张", await SayAsync(photo), StringComparison.Ordinal); // WeChat retry
        Assert.Contains(
            "照片：1 张",
            await SayAsync(WeChatWire.Text(openId, msgId++, "好了")),
            StringComparison.Ordinal
        );
        var submitted = await SayAsync(WeChatWire.Text(openId, msgId++, "确认"));
        var rma = submitted.Split("编号 ")[1].Split('。')[0];

        var queue = await merchant.GetFromJsonAsync<JsonElement>("/api/returns?status=requested", Ct);
        var request = Assert.Single(queue.EnumerateArray());
        Assert.Equal(rma, request.GetProperty("rmaId").GetString());
        Assert.Equal("K1001", request.GetProperty("orderId").GetString());
        Assert.Equal("requested", request.GetProperty("status").GetString());
        var photoId = Assert.Single(request.GetProperty("photos").EnumerateArray()).GetProperty("id").GetString();
        Assert.Equal(
            (byte[])[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10],
            await merchant.GetByteArrayAsync($"/api/returns/{rma}/photos/{photoId}", Ct)
        );
        using var served = await merchant.GetAsync($"/api/returns/{rma}/photos/{photoId}", Ct);
        Assert.Equal("inline", served.Content.Headers.ContentDisposition?.DispositionType);

        using var decision = await merchant.PostAsJsonAsync(
            $"/api/returns/{rma}/decision",
            new { approve = true, note = "请用原包装寄回" },
            Ct
        );
        using var again = await merchant.PostAsJsonAsync($"/api/returns/{rma}/decision", new { approve = false }, Ct);

        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        var told = (await decision.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("told");
        Assert.Equal("sent", told.GetProperty("status").GetString());
        Assert.Equal("customerService", told.GetProperty("channel").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await _bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();
        var notice = Assert.Single(_api.CustomerMessages);
        Assert.Equal(openId, notice.GetProperty("touser").GetString());
        Assert.Contains(
            $"{rma} 已通过",
            notice.GetProperty("text").GetProperty("content").GetString(),
            StringComparison.Ordinal
        );
        Assert.Empty(
            (await merchant.GetFromJsonAsync<JsonElement>("/api/returns?status=requested", Ct)).EnumerateArray()
        );
    }

    [Fact]
    public async Task AnExchange_DecidedWithReturnInstructions_TellsTheCustomerWhereToSendIt()
    {
        var openId = WeChatWire.OpenId();
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var delivered = _clock.GetUtcNow().AddDays(-2).ToString("O");
        using var put = await merchant.PutAsync(
            "/api/orders/K2002",
            new StringContent(
                $$$"""
                {"openId":"{{{openId}}}","placedAt":"{{{delivered}}}","status":"delivered",
                 "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                 "shipment":{"carrier":"中通","trackingNumber":"ZT2","status":"delivered",
                             "deliveredAt":"{{{delivered}}}"}}
                """,
                Encoding.UTF8,
                "application/json"
            ),
            Ct
        );
        using var wechat = _bot.CreateClient();
        var msgId = WeChatWire.NewMsgId();
        async Task<string> SayAsync(string xml)
        {
            using var response = await wechat.SendAsync(
                WeChatWire.Encrypted(xml, openId, timestamp: WeChatWire.Unix(_clock.GetUtcNow())),
                Ct
            );
            return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"]!;
        }

        Assert.Contains(
            "请选择退货原因",
            await SayAsync(WeChatWire.Text(openId, msgId++, "我要换货")),
            StringComparison.Ordinal
        );
        await SayAsync(WeChatWire.Text(openId, msgId++, "1"));
        await SayAsync(WeChatWire.Image(openId, msgId++, "media-1"));
        Assert.Contains(
            "处理方式：换货",
            await SayAsync(WeChatWire.Text(openId, msgId++, "好了")),
            StringComparison.Ordinal
        );
        var rma = (await SayAsync(WeChatWire.Text(openId, msgId++, "确认"))).Split("编号 ")[1].Split('。')[0];

        var exchanges = await merchant.GetFromJsonAsync<JsonElement>("/api/returns?kind=exchange", Ct);
        Assert.Equal("exchange", Assert.Single(exchanges.EnumerateArray()).GetProperty("kind").GetString());
        Assert.Empty((await merchant.GetFromJsonAsync<JsonElement>("/api/returns?kind=refund", Ct)).EnumerateArray());
        using var decision = await merchant.PostAsJsonAsync(
            $"/api/returns/{rma}/decision",
            new
            {
                approve = true,
                instructions = new
                {
                    address = "上海市浦东新区张江路 1 号 售后部",
                    label = "https://shop.example/labels/" + rma,
                },
            },
            Ct
        );

        decision.EnsureSuccessStatusCode();
        await _bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();
        var told = Assert.Single(_api.CustomerMessages).GetProperty("text").GetProperty("content").GetString()!;
        Assert.Contains($"换货申请 {rma} 已通过", told, StringComparison.Ordinal);
        Assert.Contains("张江路 1 号", told, StringComparison.Ordinal);
        Assert.Contains("https://shop.example/labels/" + rma, told, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnsApi_RefusesABadStatus_AndAnonymousCallers()
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        using var anonymous = _bot.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await merchant.GetAsync("/api/returns?status=lost", Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await merchant.PostAsJsonAsync("/api/returns/R404/decision", new { approve = true }, Ct)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await merchant.PostAsJsonAsync("/api/returns/R404/decision", new { note = "x" }, Ct)).StatusCode
        );
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/returns", Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await anonymous.GetAsync("/api/returns/R1/photos/p", Ct)).StatusCode
        );
    }
}
