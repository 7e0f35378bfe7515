using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>Outbound webhooks: each event reaches the merchant's system signed, at least once, with retries.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private const string Secret = "a-secret-of-the-shop-1234";

    // Today at 11:00 in Shanghai: notices go out at once.
    private readonly FakeTimeProvider _clock = new(
        new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddHours(3), TimeSpan.Zero)
    );
    private WeChatApiStandIn _api = null!;
    private WebhookReceiver _receiver = null!;
    private BotFactory _bot = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        _bot.Settings["Webhooks:shop:Url"] = _receiver.Url.AbsoluteUri;
        _bot.Settings["Webhooks:shop:Secret"] = Secret;
    }

    public async ValueTask DisposeAsync()
    {
        _bot.Dispose();
        await _receiver.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task EachEvent_ArrivesSigned_AfterTheReceiverAnswered500Twice_WithOneIdAcrossItsTries()
    {
        var openId = WeChatWire.OpenId();
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var delivered = _clock.GetUtcNow().AddDays(-2).ToString("O");
        (
            await merchant.PutAsync(
                "/api/orders/W1",
                new StringContent(
                    $$$"""
                    {"openId":"{{{openId}}}","placedAt":"{{{delivered}}}","status":"delivered",
                     "items":[{"sku":"KETTLE-1","name":"电热水壶","quantity":1,"price":159}],
                     "shipment":{"carrier":"中通","trackingNumber":"ZTW1","status":"delivered",
                                 "deliveredAt":"{{{delivered}}}"}}
                    """,
                    Encoding.UTF8,
                    "application/json"
                ),
                Ct
            )
        ).EnsureSuccessStatusCode();
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

        // A consent, then a return asked for and decided.
        await SayAsync(WeChatWire.Text(openId, msgId++, "通知"));
        await SayAsync(WeChatWire.Text(openId, msgId++, "1"));
        await SayAsync(WeChatWire.Text(openId, msgId++, "退货"));
        await SayAsync(WeChatWire.Text(openId, msgId++, "1"));
        await SayAsync(WeChatWire.Image(openId, msgId++, "media-w1"));
        await SayAsync(WeChatWire.Text(openId, msgId++, "好了"));
        var rma = (await SayAsync(WeChatWire.Text(openId, msgId++, "确认"))).Split("编号 ")[1].Split('。')[0];
        (
            await merchant.PostAsJsonAsync($"/api/returns/{rma}/decision", new { approve = true }, Ct)
        ).EnsureSuccessStatusCode();

        // Each event is tried at once (500), again after 10 s (500), and after a minute more (200).
        string[] types = ["consent.changed", "return.requested", "return.decided"];
        await Eventually.HoldsAsync(() => Task.FromResult(Ids().Count == 3), "not every event was tried");
        await Eventually.HoldsAsync(() => Task.FromResult(_receiver.Requests.Count == 3), "a first try was repeated");
        _clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => Task.FromResult(_receiver.Requests.Count == 6), "no second try");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(() => Task.FromResult(_receiver.Requests.Count == 9), "no third try");
        _clock.Advance(TimeSpan.FromMinutes(10));

        var requests = _receiver.Requests.ToList();
        Assert.Equal(9, requests.Count);
        foreach (var (timestamp, signature, body, _) in requests)
        {
            Assert.True(
                WebhookSignature.Matches(signature, Secret, timestamp!, Encoding.UTF8.GetBytes(body)),
                $"bad signature on {body}"
            );
        }

        var byType = requests
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .GroupBy(e => e.GetProperty("type").GetString()!)
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(types.Order(StringComparer.Ordinal), byType.Keys.Order(StringComparer.Ordinal));
        foreach (var (_, tries) in byType)
        {
            Assert.Equal(3, tries.Count);
            Assert.Single(tries.Select(t => t.GetProperty("id").GetString()).Distinct());
        }

        var decided = byType["return.decided"][0].GetProperty("data");
        Assert.Equal(rma, decided.GetProperty("rmaId").GetString());
        Assert.Equal("W1", decided.GetProperty("orderId").GetString());
        Assert.Equal("approved", decided.GetProperty("status").GetString());
        Assert.Equal(openId, byType["consent.changed"][0].GetProperty("data").GetProperty("openId").GetString());

        // The back office sees the attempts, newest first, and never the secret.
        var status = await merchant.GetStringAsync("/api/webhooks", Ct);
        Assert.DoesNotContain(Secret, status, StringComparison.Ordinal);
        var attempts = JsonDocument.Parse(status).RootElement[0].GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(9, attempts.Count);
        Assert.Equal(3, attempts.Count(a => a.GetProperty("outcome").GetString() == "delivered"));
        Assert.Equal(6, attempts.Count(a => a.GetProperty("status").GetInt32() == 500));

        List<string> Ids() =>
            [
                .. _receiver
                    .Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!)
                    .Distinct(),
            ];
    }
}
