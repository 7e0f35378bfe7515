using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Orders;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>
/// Orders from the shop carry no OpenID: the customer binds them by scanning the packing slip's QR
/// code, or in the chat with the order number and the last four digits of the phone on it.
/// </summary>
public sealed class OrderBindingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
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
        _bot.Settings["Merchant:ApiKey"] = "k";
        _merchant = Client();
        _merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        _wechat = Client();
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AShopOrder_IsBoundByItsQrCode_AndTheCustomerThenFindsIt()
    {
        Assert.Equal(HttpStatusCode.Created, await PutShopOrderAsync("S1001"));
        var customer = WeChatWire.OpenId();

        using var qr = await _merchant.PostAsync("/api/orders/S1001/qr", null, Ct);
        var code = await qr.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var scene = Assert.Single(_api.QrScenes);
        var followed = await EventAsync(customer, "subscribe", "qrscene_" + scene);

        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.StartsWith(
            "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ",
            code.GetProperty("url").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(_clock.GetUtcNow().AddDays(30), code.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.DoesNotContain("S1001", scene, StringComparison.Ordinal); // an unguessable token, not the order id
        Assert.Contains("已为您绑定订单 S1001", followed, StringComparison.Ordinal);
        Assert.Contains("回复“通知”开启", followed, StringComparison.Ordinal); // delivery notices offered at once
        Assert.Contains("订单 S1001", await SayAsync(customer, "查订单"), StringComparison.Ordinal);
        Assert.Equal(customer, (await OrderAsync("S1001")).OpenId);
    }

    [Fact]
    public async Task AnOrderBoundToSomeoneElse_IsRefused_AndTheyAreTold()
    {
        await PutShopOrderAsync("S1002");
        await _merchant.PostAsync("/api/orders/S1002/qr", null, Ct);
        var scene = Assert.Single(_api.QrScenes);
        var first = WeChatWire.OpenId();
        var second = WeChatWire.OpenId();
        await EventAsync(first, "SCAN", scene);

        var refused = await EventAsync(second, "SCAN", scene);

        Assert.Contains("已经绑定了其他微信号", refused, StringComparison.Ordinal);
        Assert.Equal(first, (await OrderAsync("S1002")).OpenId);
        Assert.Contains("没有找到订单 S1002", await SayAsync(second, "查订单 S1002"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOrderNumberAndThePhonesLastFourDigits_BindIt_InTheChat()
    {
        await PutShopOrderAsync("S2002");
        var customer = WeChatWire.OpenId();

        var noOrders = await SayAsync(customer, "查订单");
        var asked = await SayAsync(customer, "S2002");
        var bound = await SayAsync(customer, "1234");

        Assert.Contains("请直接发送订单号", noOrders, StringComparison.Ordinal);
        Assert.Contains("手机号后四位", asked, StringComparison.Ordinal);
        Assert.Contains("已为您绑定订单 S2002", bound, StringComparison.Ordinal);
        Assert.Contains("订单 S2002", await SayAsync(customer, "查订单 S2002"), StringComparison.Ordinal);
        Assert.Equal(customer, (await OrderAsync("S2002")).OpenId);
    }

    [Fact]
    public async Task FiveWrongTriesADay_ThenEvenTheRightDigitsAreRefused()
    {
        await PutShopOrderAsync("S3003");
        var customer = WeChatWire.OpenId();
        var answers = new List<string>();
        foreach (var digits in new[] { "0000", "1111", "2222", "3333", "4444" })
        {
            answers.Add(await SayAsync(customer, $"查订单 S3003 {digits}"));
        }

        var sixth = await SayAsync(customer, "查订单 S3003 1234");

        Assert.Contains("还可以再试 4 次", answers[0], StringComparison.Ordinal);
        Assert.Contains("今天尝试次数过多", answers[^1], StringComparison.Ordinal);
        Assert.Contains("今天尝试次数过多", sixth, StringComparison.Ordinal);
        Assert.Null((await OrderAsync("S3003")).OpenId);

        _clock.Advance(TimeSpan.FromDays(1)); // a new day: a new allowance
        Assert.Contains(
            "已为您绑定订单 S3003",
            await SayAsync(customer, "查订单 S3003 1234"),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task TheShopUpdatingAnOrderWithoutOpenId_KeepsTheCustomersBinding()
    {
        await PutShopOrderAsync("S4004");
        var customer = WeChatWire.OpenId();
        await SayAsync(customer, "查订单 S4004 1234");

        Assert.Equal(HttpStatusCode.OK, await PutShopOrderAsync("S4004", status: "shipped"));

        var order = await OrderAsync("S4004");
        Assert.Equal((customer, OrderStatus.Shipped), (order.OpenId, order.Status));
        Assert.Equal("1234", order.PhoneTail);
    }

    [Fact]
    public async Task AfterThirtyDays_TheCodeNoLongerBinds_AndItsSceneIsSweptAway()
    {
        await PutShopOrderAsync("S5005");
        await _merchant.PostAsync("/api/orders/S5005/qr", null, Ct);
        var scene = Assert.Single(_api.QrScenes);
        _clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

        var late = await EventAsync(WeChatWire.OpenId(), "SCAN", scene);
        var swept = await _bot.Services.GetRequiredService<OrderScenes>().DeleteExpiredAsync(Ct);

        Assert.Contains("二维码已失效", late, StringComparison.Ordinal);
        Assert.Null((await OrderAsync("S5005")).OpenId);
        Assert.InRange(swept, 0, 1); // the periodic sweep may have been first
        await foreach (
            var key in _bot
                .Services.GetRequiredService<ServiceBot.Services.Storage.IDocumentStore>()
                .ListKeysAsync("order-scenes/", Ct)
        )
        {
            Assert.Fail($"{key} was left behind");
        }
    }

    private HttpClient Client()
    {
        var client = _bot.CreateClient();
        _clients.Add(client);
        return client;
    }

    private async Task<HttpStatusCode> PutShopOrderAsync(string orderId, string status = "paid")
    {
        using var response = await _merchant.PutAsync(
            $"/api/orders/{orderId}",
            new StringContent(
                $$$"""
                {"placedAt":"{{{_clock.GetUtcNow().AddDays(-1):O}}}","status":"{{{status}}}",
                 "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                 "contact":{"phone":"+86 138-0013-1234"}}
                """,
                Encoding.UTF8,
                "application/json"
            ),
            Ct
        );
        return response.StatusCode;
    }

    private async Task<Order> OrderAsync(string orderId) =>
        (await _bot.Services.GetRequiredService<OrderStore>().GetAsync(orderId, Ct))!;

    private async Task<string> SayAsync(string openId, string text) =>
        await AnswerAsync(openId, WeChatWire.Text(openId, WeChatWire.NewMsgId(), text));

    private async Task<string> EventAsync(string openId, string name, string key) =>
        await AnswerAsync(openId, WeChatWire.Event(openId, name, key, _clock.GetUtcNow().ToUnixTimeSeconds()));

    private async Task<string> AnswerAsync(string openId, string xml)
    {
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(xml, openId, timestamp: WeChatWire.Unix(_clock.GetUtcNow())),
            Ct
        );
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"] ?? "";
    }
}
