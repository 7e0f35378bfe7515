using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.Bot.Channels.WebChat;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Channels.WebChat;

public sealed class WebChatRetentionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero));
    private readonly BotFactory _bot;

    public WebChatRetentionTests()
    {
        _bot = new BotFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _bot.Settings["WebChat:RetentionDays"] = "30";
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task AVisitorSilentForTheRetentionDays_IsForgotten_WithTheirPhotosAndPendingMessages()
    {
        using var old = _bot.CreateClient();
        await old.PostAsJsonAsync("/api/webchat/messages", new { text = "人工" }, Ct);
        var image = "data:image/jpeg;base64," + Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
        await old.PostAsJsonAsync("/api/webchat/messages", new { id = "p1", image }, Ct);
        await old.PostAsJsonAsync("/api/webchat/messages", new { text = "取消" }, Ct);
        var oldVisitor = Assert.Single(await KeysAsync("conversations/webchat/")).Split('/')[^1];
        await _bot
            .Services.GetRequiredService<ProactiveMessenger>()
            .SendAsync(new ConversationReference("webchat", oldVisitor), [Reply.FromText("还在吗")], Ct);
        Assert.Single(await KeysAsync($"photos/webchat_{oldVisitor}_"));
        Assert.Single(await KeysAsync($"webchat/outbox/{oldVisitor}"));

        _clock.Advance(TimeSpan.FromDays(29));
        using var recent = _bot.CreateClient();
        await recent.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        _clock.Advance(TimeSpan.FromDays(2));
        await _bot.Services.GetRequiredService<WebChatRetention>().SweepAsync(Ct);

        var left = await KeysAsync("");
        Assert.DoesNotContain(left, k =>
            k.Contains(oldVisitor, StringComparison.Ordinal) && !k.StartsWith("handoff/", StringComparison.Ordinal)
        );
        var kept = Assert.Single(await KeysAsync("conversations/webchat/"));
        Assert.DoesNotContain(oldVisitor, kept, StringComparison.Ordinal);
    }

    private async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in _bot.Services.GetRequiredService<IDocumentStore>().ListKeysAsync(prefix, Ct))
        {
            keys.Add(key);
        }

        return keys;
    }
}
