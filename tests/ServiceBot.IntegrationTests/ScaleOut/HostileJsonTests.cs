using System.Net;
using System.Text;
using FsCheck.Fluent;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// Mutated merchant and courier JSON through the real endpoints: every answer is a 2xx or a 4xx,
/// never a 5xx, and a refused request changes nothing.
/// </summary>
public sealed class HostileJsonTests : IDisposable
{
    private const int Inputs = 2_000;
    private const string Order = """
        {"openId":"oFuzz","placedAt":"2026-11-20T10:00:00+08:00","status":"shipped","items":[{"sku":"CUP-1",
        "name":"保温杯","quantity":1,"price":99.5}],"shipment":{"carrier":"顺丰","trackingNumber":"SFZ1",
        "status":"in_transit","deliveredAt":null}}
        """;
    private static readonly string[] Inserts =
    [
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "-1",
        "1e999",
        "\\u0000",
        "\\ud800",
        "\"\"",
        "[]",
        "{}",
        "9999999999999999999999",
        "NaN",
        "🙂",
    ];
    private readonly BotFactory _bot = new();

    public HostileJsonTests()
    {
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["Couriers:sf:Secret"] = "s";
        _bot.Settings["Couriers:sf:Carriers"] = "SF,顺丰";
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private static IEnumerable<string> Mutations(string json) =>
        Enumerable
            .Range(1, 100)
            .SelectMany(size =>
                (
                    from seeds in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, int.MaxValue), 6)
                    select Mutate(json, seeds)
                ).Sample(Inputs / 100, size)
            );

    private static string Mutate(string json, int[] seeds)
    {
        var text = new StringBuilder(json);
        for (var i = 0; i + 2 < seeds.Length; i += 3)
        {
            var at = seeds[i + 1] % (text.Length + 1);
            if (seeds[i] % 2 == 0 && at < text.Length)
            {
                text.Remove(at, Math.Min(seeds[i + 2] % 8 + 1, text.Length - at));
            }
            else
            {
                text.Insert(at, Inserts[seeds[i + 2] % Inserts.Length]);
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task MutatedOrders_AreStoredOrRefusedWhole_NeverA5xx()
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var (stored, refused, n) = (0, 0, 0);
        foreach (var body in Mutations(Order))
        {
            var id = $"F{n++}";
            using var put = await merchant.PutAsync(
                $"/api/orders/{id}",
                new StringContent(body, Encoding.UTF8, "application/json"),
                Ct
            );
            Assert.True(
                put.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.BadRequest,
                $"{(int)put.StatusCode} for {body}"
            );
            using var get = await merchant.GetAsync($"/api/orders/{id}", Ct);
            Assert.Equal(
                put.StatusCode == HttpStatusCode.BadRequest ? HttpStatusCode.NotFound : HttpStatusCode.OK,
                get.StatusCode
            );
            (stored, refused) = put.IsSuccessStatusCode ? (stored + 1, refused) : (stored, refused + 1);
        }

        Assert.Equal(Inputs, stored + refused);
        Assert.True(
            refused > Inputs / 2,
            $"only {refused} of {Inputs} mutations were refused: the mutations are too tame"
        );
    }

    [Fact]
    public async Task MutatedCourierEvents_SignedCorrectly_AreAppliedOrRefused_NeverA5xx_AndARefusalChangesNothing()
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        (
            await merchant.PutAsync("/api/orders/Z1", new StringContent(Order, Encoding.UTF8, "application/json"), Ct)
        ).EnsureSuccessStatusCode();
        using var courier = _bot.CreateClient();
        var now = TimeProvider.System.GetUtcNow();
        var valid = $$"""
            {"eventId":"z-1","carrier":"SF","trackingNumber":"SFZ1","status":"in_transit",
            "occurredAt":"{{now.AddMinutes(-5):O}}","location":"上海"}
            """;

        foreach (var body in Mutations(valid))
        {
            var before = await merchant.GetStringAsync("/api/orders/Z1", Ct);
            var bytes = Encoding.UTF8.GetBytes(body);
            using var request = CourierWire.Signed(bytes, "s", now);
            using var response = await courier.SendAsync(request, Ct);

            Assert.True(
                response.StatusCode
                    is HttpStatusCode.OK
                        or HttpStatusCode.BadRequest
                        or HttpStatusCode.NotFound
                        // A carrier mutated into one the courier does not report for.
                        or HttpStatusCode.Forbidden,
                $"{(int)response.StatusCode} for {body}"
            );
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal(before, await merchant.GetStringAsync("/api/orders/Z1", Ct));
            }
        }
    }
}
