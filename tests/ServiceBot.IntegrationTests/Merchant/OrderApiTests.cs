using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Merchant;

public sealed class OrderApiTests : IDisposable
{
    private const string Key = "merchant-key-1";
    private readonly BotFactory _bot = new();

    public OrderApiTests() => _bot.Settings["Merchant:ApiKey"] = Key;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private HttpClient Merchant(string? key = Key)
    {
        var http = _bot.CreateClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return http;
    }

    private static string OrderJson(string openId, string status = "shipped", string extra = "") =>
        $$"""
            {"orderId":"A1001","openId":"{{openId}}","placedAt":"2026-11-20T08:30:00Z","status":"{{status}}",
             "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99.0}],
             "shipment":{"carrier":"顺丰","trackingNumber":"SF1234567890","status":"out_for_delivery"}{{extra}}}
            """;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task WithoutTheRightKey_Is401_AndStoresNothing(string? key)
    {
        using var http = Merchant(key);
        var before = await KeysAsync();

        using var put = await http.PutAsync("/api/orders/A1001", Json(OrderJson("oCustomer")), Ct);
        using var get = await http.GetAsync("/api/orders/A1001", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(before, await KeysAsync());
    }

    [Fact]
    public async Task WithNoKeyConfigured_EveryRequestIs401()
    {
        _bot.Settings["Merchant:ApiKey"] = "";
        using var http = Merchant("");

        using var put = await http.PutAsync("/api/orders/A1001", Json(OrderJson("oCustomer")), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
    }

    [Fact]
    public async Task Put_Creates201_Replaces200_AndGetAnswersTheOrderAsStored()
    {
        using var http = Merchant();

        using var created = await http.PutAsync("/api/orders/A1001", Json(OrderJson("oCustomer")), Ct);
        using var replaced = await http.PutAsync("/api/orders/A1001", Json(OrderJson("oCustomer", "delivered")), Ct);
        var stored = await http.GetFromJsonAsync<JsonElement>("/api/orders/A1001", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("delivered", stored.GetProperty("status").GetString());
        Assert.Equal("out_for_delivery", stored.GetProperty("shipment").GetProperty("status").GetString());
        Assert.Equal("SF1234567890", stored.GetProperty("shipment").GetProperty("trackingNumber").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/orders/NOPE1", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(
        """{"orderId":"A1001","openId":"not an id!","placedAt":"2026-11-20T08:30:00Z","status":"paid","items":[]}""",
        "openId"
    )]
    [InlineData("""{"openId":"oC","placedAt":"yesterday","status":"paid","items":[]}""", "placedAt")]
    [InlineData("""{"openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"lost","items":[]}""", "status")]
    [InlineData("""{"openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"paid","items":[]}""", "items")]
    [InlineData(
        """
            {"openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"paid",
             "items":[{"sku":"S","name":"N","quantity":0,"price":1}]}
            """,
        "items[0].quantity"
    )]
    [InlineData(
        """
            {"openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"paid",
             "items":[{"sku":"S","name":"N","price":1}]}
            """,
        "items[0].quantity"
    )]
    [InlineData(
        """
            {"openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"paid",
             "items":[{"sku":"S","name":"N","quantity":1,"price":1}],
             "shipment":{"carrier":"SF","trackingNumber":"1","status":"teleported"}}
            """,
        "shipment.status"
    )]
    [InlineData(
        """
            {"orderId":"B2","openId":"oC","placedAt":"2026-11-20T08:30:00Z","status":"paid","items":[{"sku":"S",
            "name":"N","quantity":1,"price":1}]}
            """,
        "orderId"
    )]
    [InlineData("""not json""", "body")]
    public async Task InvalidOrder_Is400NamingTheField_AndStoresNothing(string body, string field)
    {
        using var http = Merchant();
        var before = await KeysAsync();

        using var response = await http.PutAsync("/api/orders/A1001", Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(
            problem.GetProperty("errors").TryGetProperty(field, out _),
            await response.Content.ReadAsStringAsync(Ct)
        );
        Assert.Equal(before, await KeysAsync());
    }

    [Fact]
    public async Task AnOrderPutThroughTheApi_IsFoundByTheCustomerInWeChat_AndByNobodyElse()
    {
        var customer = WeChatWire.OpenId();
        var stranger = WeChatWire.OpenId();
        using var merchant = Merchant();
        using var put = await merchant.PutAsync("/api/orders/A1001", Json(OrderJson(customer)), Ct);
        using var wechat = _bot.CreateClient();

        using var mine = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(customer, WeChatWire.NewMsgId(), "查订单"), customer),
            Ct
        );
        using var theirs = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(stranger, WeChatWire.NewMsgId(), "查订单 A1001"), stranger),
            Ct
        );

        var answer = WeChatWire.OpenReply(await mine.Content.ReadAsStringAsync(Ct))["Content"]!;
        Assert.Contains("订单 A1001", answer, StringComparison.Ordinal);
        Assert.Contains("顺丰 SF1234567890", answer, StringComparison.Ordinal);
        Assert.Contains("派送中", answer, StringComparison.Ordinal);
        Assert.Contains(
            "没有找到订单 A1001",
            WeChatWire.OpenReply(await theirs.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
    }

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var key in _bot.Services.GetRequiredService<IDocumentStore>().ListKeysAsync("", Ct))
        {
            keys.Add(key);
        }

        return keys;
    }
}
