using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Couriers;

public sealed class CourierWebhookTests : IDisposable
{
    private const string Secret = "sf-shared-secret";
    private const string ZtoSecret = "zto-shared-secret";
    private readonly BotFactory _bot = new();
    private readonly string _openId = WeChatWire.OpenId();

    public CourierWebhookTests()
    {
        _bot.Settings["Couriers:sf:Secret"] = Secret;
        _bot.Settings["Couriers:sf:Carriers"] = "SF, 顺丰";
        _bot.Settings["Couriers:zto:Secret"] = ZtoSecret;
        _bot.Settings["Couriers:zto:Carriers"] = "ZTO,中通";
        _bot.Settings["Merchant:ApiKey"] = "k";
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private static string EventJson(string id, string status, DateTimeOffset at, string tracking = "SF100") =>
        $$"""
            {"eventId":"{{id}}","carrier":"SF","trackingNumber":"{{tracking}}","status":"{{status}}",
            "occurredAt":"{{at:O}}","location":"上海浦东"}
            """;

    private static HttpRequestMessage Signed(
        string body,
        string courier = "sf",
        string secret = Secret,
        DateTimeOffset? at = null
    ) => CourierWire.Signed(Encoding.UTF8.GetBytes(body), secret, at ?? Now, courier);

    private async Task<HttpClient> WithOrderAsync()
    {
        var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        using var put = await merchant.PutAsync(
            "/api/orders/A1001",
            new StringContent(
                $$$"""
                {"openId":"{{{_openId}}}","placedAt":"{{{Now.AddDays(-1):O}}}","status":"shipped",
                 "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}],
                 "shipment":{"carrier":"顺丰","trackingNumber":"SF100","status":"in_transit"}}
                """,
                Encoding.UTF8,
                "application/json"
            ),
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return merchant;
    }

    private static async Task<string> OutcomeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString()!;

    [Fact]
    public async Task SignedEvent_MovesTheShipment_OnceEvenWhenReplayed_AndNeverBackwards()
    {
        using var merchant = await WithOrderAsync();
        using var http = _bot.CreateClient();

        var applied = await http.SendAsync(Signed(EventJson("ev-1", "out_for_delivery", Now)), Ct);
        var replay = await http.SendAsync(Signed(EventJson("ev-1", "out_for_delivery", Now)), Ct);
        var older = await http.SendAsync(Signed(EventJson("ev-0", "picked_up", Now.AddHours(-5))), Ct);

        Assert.Equal(
            ["applied", "duplicate", "stale"],
            new[] { await OutcomeOf(applied), await OutcomeOf(replay), await OutcomeOf(older) }
        );
        var order = await merchant.GetFromJsonAsync<JsonElement>("/api/orders/A1001", Ct);
        Assert.Equal("out_for_delivery", order.GetProperty("shipment").GetProperty("status").GetString());
        Assert.Equal(
            "上海浦东",
            order.GetProperty("shipment").GetProperty("latestScan").GetProperty("location").GetString()
        );

        using var wechat = _bot.CreateClient();
        using var lookup = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(_openId, WeChatWire.NewMsgId(), "查订单"), _openId),
            Ct
        );
        Assert.Contains(
            "物流：派送中 · 上海浦东",
            WeChatWire.OpenReply(await lookup.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task ACourier_CannotMoveAnotherCarriersParcel_NorLearnItsOrder()
    {
        using var merchant = await WithOrderAsync();
        using var http = _bot.CreateClient();
        var asSf = EventJson("z-1", "delivered", Now);
        var asZto = asSf.Replace("\"carrier\":\"SF\"", "\"carrier\":\"ZTO\"", StringComparison.Ordinal);

        using var claimingSf = await http.SendAsync(Signed(asSf, courier: "zto", secret: ZtoSecret), Ct);
        using var claimingZto = await http.SendAsync(Signed(asZto, courier: "zto", secret: ZtoSecret), Ct);
        using var own = await http.SendAsync(Signed(EventJson("s-1", "out_for_delivery", Now)), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, claimingSf.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, claimingZto.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.DoesNotContain("A1001", await own.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var order = await merchant.GetFromJsonAsync<JsonElement>("/api/orders/A1001", Ct);
        Assert.Equal("out_for_delivery", order.GetProperty("shipment").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Delivered_DeliversTheOrder()
    {
        using var merchant = await WithOrderAsync();
        using var http = _bot.CreateClient();

        await http.SendAsync(Signed(EventJson("ev-9", "delivered", Now)), Ct);

        var order = await merchant.GetFromJsonAsync<JsonElement>("/api/orders/A1001", Ct);
        Assert.Equal("delivered", order.GetProperty("status").GetString());
        Assert.True(order.GetProperty("shipment").TryGetProperty("deliveredAt", out _));
    }

    public static TheoryData<string> Forgeries() =>
        ["unknown courier", "wrong secret", "305 s old", "305 s ahead", "no signature", "tampered body"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedOrStaleEvent_Is401_AndChangesNothing(string forgery)
    {
        using var merchant = await WithOrderAsync();
        using var http = _bot.CreateClient();
        var body = EventJson("ev-x", "delivered", Now);
        using var request = forgery switch
        {
            "unknown courier" => Signed(body, courier: "nobody"),
            "wrong secret" => Signed(body, secret: "guess"),
            "305 s old" => Signed(body, at: Now.AddSeconds(-305)),
            // not 301: the header has whole seconds and the request takes time under load, so 301 could arrive as 300
            "305 s ahead" => Signed(body, at: Now.AddSeconds(305)),
            _ => Signed(body),
        };
        if (forgery == "no signature")
        {
            request.Headers.Remove("X-Signature");
        }

        if (forgery == "tampered body")
        {
            request.Content = new StringContent(
                body.Replace("delivered", "exception", StringComparison.Ordinal),
                Encoding.UTF8,
                "application/json"
            );
        }

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var order = await merchant.GetFromJsonAsync<JsonElement>("/api/orders/A1001", Ct);
        Assert.Equal("in_transit", order.GetProperty("shipment").GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownTrackingNumber_Is404()
    {
        using var http = _bot.CreateClient();

        using var response = await http.SendAsync(Signed(EventJson("ev-2", "delivered", Now, tracking: "SF999")), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(
        """{"carrier":"SF","trackingNumber":"SF100","status":"delivered","occurredAt":"2026-11-23T10:00:00Z"}""",
        "eventId"
    )]
    [InlineData(
        """{"eventId":"e","trackingNumber":"SF100","status":"teleported","occurredAt":"2026-11-23T10:00:00Z"}""",
        "status"
    )]
    [InlineData("""{"eventId":"e","trackingNumber":"SF100","status":"delivered","occurredAt":"soon"}""", "occurredAt")]
    [InlineData("""{"eventId":"e","status":"delivered","occurredAt":"2026-11-23T10:00:00Z"}""", "trackingNumber")]
    [InlineData(
        """{"eventId":"e 1\u0007","trackingNumber":"SF100","status":"delivered","occurredAt":"2026-11-23T10:00:00Z"}""",
        "eventId"
    )]
    [InlineData(
        """{"eventId":"e","trackingNumber":"SF100","status":"delivered","occurredAt":"2026-11-23T10:00:00Z"}""",
        "carrier"
    )]
    public async Task InvalidBody_Is400NamingTheField(string body, string field)
    {
        using var http = _bot.CreateClient();

        using var response = await http.SendAsync(Signed(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(
            (await response.Content.ReadFromJsonAsync<JsonElement>(Ct))
                .GetProperty("errors")
                .TryGetProperty(field, out _)
        );
    }
}
