using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>
/// What the law expects: everything held about a customer can be exported, and is erased on request
/// or some time after they unfollow, keeping only the proof that they withdrew their consent.
/// </summary>
public sealed class PrivacyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
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
        _bot.Settings["Merchant:ApiKey"] = "k";
        _bot.Settings["Privacy:EraseAfterUnfollowDays"] = "30";
        _merchant = Client();
        _merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        _wechat = Client();
        await CustomerWithAHistoryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task TheExport_HoldsEveryDocumentThatMentionsTheCustomer()
    {
        var export = await _merchant.GetFromJsonAsync<JsonElement>($"/api/customers/{_openId}/export", Ct);

        var exported = export.GetProperty("documents").EnumerateObject().Select(p => p.Name).ToHashSet();
        var held = await KeysMentioningAsync(_openId);
        Assert.True(held.Count >= 8, string.Join(", ", held));
        Assert.Empty(held.Except(exported));
        Assert.Contains(exported, k => k.StartsWith("photos/", StringComparison.Ordinal));
        Assert.Contains(exported, k => k.StartsWith("orders/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterTheUnfollowClock_TheDataIsGone_ButTheWithdrawalIsProven()
    {
        await SayAsync(WeChatWire.Event(_openId, "unsubscribe", "", _clock.GetUtcNow().ToUnixTimeSeconds()));
        Assert.NotEmpty(await KeysMentioningAsync(_openId, except: "conversations/"));

        _clock.Advance(TimeSpan.FromDays(30)); // Quartz runs on the host's clock

        await Eventually.HoldsAsync(
            async () => (await KeysMentioningAsync(_openId, except: "conversations/")).Count == 0,
            "the customer's data was not erased"
        );
        await AssertOnlyTheProofRemainsAsync(ConsentSource.Unfollow);
    }

    [Fact]
    public async Task ErasureOnRequest_LeavesOnlyTheProof_AndTheMerchantsRecordsCutLoose()
    {
        using var erased = await _merchant.DeleteAsync($"/api/customers/{_openId}", Ct);

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Empty(await KeysMentioningAsync(_openId, except: "conversations/"));
        await AssertOnlyTheProofRemainsAsync(ConsentSource.Erasure);
        var order = await _merchant.GetFromJsonAsync<JsonElement>("/api/orders/P1001", Ct);
        Assert.False(order.TryGetProperty("openId", out var openId) && openId.ValueKind == JsonValueKind.String);
    }

    private async Task AssertOnlyTheProofRemainsAsync(ConsentSource how)
    {
        var record = (
            await _bot
                .Services.GetRequiredService<ConversationStateStore>()
                .LoadAsync(new ConversationReference("wechat", _openId), Ct)
        ).Record;
        var consents = Consents.Of(record);
        Assert.False(consents.IsOptedIn(NoticeTopic.Delivery));
        Assert.Equal(how, consents.Latest(NoticeTopic.Delivery)!.Source);
        Assert.Contains(consents.History, c => c.OptedIn); // the history of the consent itself stays
        Assert.Empty(record.DialogStack);
        Assert.Null(record.LastUserMessageAt);
    }

    // An order, the opt-in, a return with a photo, a notice, a case with a photo: a customer with a past.
    private async Task CustomerWithAHistoryAsync()
    {
        var delivered = _clock.GetUtcNow().AddDays(-2).ToString("O");
        (
            await _merchant.PutAsync(
                "/api/orders/P1001",
                new StringContent(
                    $$$"""
                    {"openId":"{{{_openId}}}","placedAt":"{{{delivered}}}","status":"delivered",
                     "items":[{"sku":"KETTLE-1","name":"电热水壶","quantity":1,"price":159}],
                     "shipment":{"carrier":"中通","trackingNumber":"ZTP1","status":"delivered",
                                 "deliveredAt":"{{{delivered}}}"},"contact":{"phone":"13800131234"}}
                    """,
                    Encoding.UTF8,
                    "application/json"
                ),
                Ct
            )
        ).EnsureSuccessStatusCode();
        foreach (var text in new[] { "通知", "1", "退货", "1" })
        {
            await SayAsync(WeChatWire.Text(_openId, WeChatWire.NewMsgId(), text));
        }

        await SayAsync(WeChatWire.Image(_openId, WeChatWire.NewMsgId(), "media-1"));
        await SayAsync(WeChatWire.Text(_openId, WeChatWire.NewMsgId(), "好了"));
        await SayAsync(WeChatWire.Text(_openId, WeChatWire.NewMsgId(), "确认"));
        await SayAsync(WeChatWire.Text(_openId, WeChatWire.NewMsgId(), "人工"));
        await SayAsync(WeChatWire.Image(_openId, WeChatWire.NewMsgId(), "media-2"));
        await _bot.Services.GetRequiredService<BackgroundTurns>().WhenIdleAsync();
    }

    private async Task SayAsync(string xml)
    {
        using var response = await _wechat.SendAsync(
            WeChatWire.Encrypted(xml, _openId, timestamp: WeChatWire.Unix(_clock.GetUtcNow())),
            Ct
        );
        response.EnsureSuccessStatusCode();
    }

    // Every key whose name or content names the customer: what "held about them" means, checked from outside.
    private async Task<List<string>> KeysMentioningAsync(string openId, string? except = null)
    {
        var store = _bot.Services.GetRequiredService<IDocumentStore>();
        var found = new List<string>();
        await foreach (var key in store.ListKeysAsync("", Ct))
        {
            if (except is not null && key.StartsWith(except, StringComparison.Ordinal))
            {
                continue;
            }

            var document = await store.ReadAsync(key, Ct);
            if (
                key.Contains(openId, StringComparison.Ordinal)
                || document is not null
                    && Encoding.UTF8.GetString(document.Content.Span).Contains(openId, StringComparison.Ordinal)
            )
            {
                found.Add(key);
            }
        }

        return found;
    }

    private HttpClient Client()
    {
        var client = _bot.CreateClient();
        _clients.Add(client);
        return client;
    }
}
