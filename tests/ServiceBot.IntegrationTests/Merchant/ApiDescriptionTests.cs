using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Generated;
using ServiceBot.IntegrationTests.Support;
using Returns = ServiceBot.Services.Returns;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>
/// <c>/openapi/v1.json</c> is the document committed at docs/openapi/v1.json, from which the build
/// generates a client (NSwag): the client works against the bot. After an API change, refresh the
/// document with <c>bash infra/scripts/openapi.sh</c>.
/// </summary>
public sealed class ApiDescriptionTests : IDisposable
{
    private const string Key = "merchant-key-openapi";
    private readonly BotFactory _bot = new();

    public ApiDescriptionTests() => _bot.Settings["Merchant:ApiKey"] = Key;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private HttpClient Merchant()
    {
        var http = _bot.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return http;
    }

    [Fact]
    public async Task TheServedDocument_IsTheCommittedOne_ForTheMerchantOnly()
    {
        using var anonymous = _bot.CreateClient(new() { AllowAutoRedirect = false });
        using var refused = await anonymous.GetAsync("/openapi/v1.json", Ct);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        using var http = Merchant();
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", Ct))!;
        var path = Path.Combine(RepositoryRoot.Path, "docs", "openapi", "v1.json");
        if (Environment.GetEnvironmentVariable("SERVICEBOT_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(
                path,
                served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n",
                Ct
            );
        }

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(path, Ct)), served),
            "docs/openapi/v1.json differs from what the bot serves: run bash infra/scripts/openapi.sh"
        );
        Assert.Equal("PutOrder", served["paths"]!["/api/orders/{orderId}"]!["put"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(served["paths"]!["/api/courier/events"]);
        Assert.Null(served["paths"]!["/api/wechat"]);
    }

    [Fact]
    public async Task AGeneratedClient_CreatesAnOrder_AndReadsItBack()
    {
        using var http = Merchant();
        var client = new MerchantApiClient(http);

        var created = await client.PutOrderAsync(
            "G-1001",
            new OrderBody
            {
                OpenId = "oGenerated",
                PlacedAt = DateTimeOffset.Parse(
                    "2026-11-20T08:30:00Z",
                    System.Globalization.CultureInfo.InvariantCulture
                ),
                Status = OrderStatus.Shipped,
                Items =
                [
                    new OrderItemBody
                    {
                        Sku = "CUP-1",
                        Name = "保温杯",
                        Quantity = 2,
                        Price = 99.5,
                    },
                ],
                Shipment = new ShipmentBody
                {
                    Carrier = "顺丰",
                    TrackingNumber = "SF0000001",
                    Status = ShipmentStatus.In_transit,
                },
            },
            Ct
        );
        var read = await client.GetOrderAsync("G-1001", Ct);

        Assert.Equal("G-1001", created.OrderId);
        Assert.Equal(("oGenerated", OrderStatus.Shipped), (read.OpenId, read.Status));
        Assert.Equal(
            ("CUP-1", 2, 99.5),
            (read.Items.Single().Sku, read.Items.Single().Quantity, read.Items.Single().Price)
        );
        Assert.Equal(ShipmentStatus.In_transit, read.Shipment!.Status);
        var missing = await Assert.ThrowsAsync<ApiException>(() => client.GetOrderAsync("G-404", Ct));
        Assert.Equal(404, missing.StatusCode);
    }

    [Fact]
    public async Task TheReturnQueue_Pages_ByALinkToTheNext()
    {
        var returns = _bot.Services.GetRequiredService<Returns.ReturnStore>();
        var start = DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 5; i++)
        {
            await returns.CreateAsync(
                new Returns.ReturnRequest(
                    $"RMA-P{i}",
                    "A1",
                    "oPaging",
                    "CUP-1",
                    "broken",
                    Returns.ReturnStatus.Requested,
                    [],
                    start.AddMinutes(i),
                    null,
                    null,
                    null
                ),
                Ct
            );
        }

        using var http = Merchant();
        var seen = new List<string>();
        var next = "/api/returns?status=requested&limit=2";
        while (next is not null)
        {
            using var page = await http.GetAsync(next, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var items = JsonDocument.Parse(await page.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.InRange(items.GetArrayLength(), 1, 2);
            seen.AddRange(items.EnumerateArray().Select(r => r.GetProperty("rmaId").GetString()!));
            next = page.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }

        Assert.Equal(["RMA-P0", "RMA-P1", "RMA-P2", "RMA-P3", "RMA-P4"], seen);
        using var bad = await http.GetAsync("/api/returns?cursor=not-ours!", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var tooMany = await http.GetAsync("/api/returns?limit=501", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }
}
