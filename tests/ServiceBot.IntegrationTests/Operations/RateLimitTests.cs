using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>
/// Rate limits per source on the endpoints anyone can reach: 429 with Retry-After, and the refused request does
/// nothing.
/// </summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WebChat_OverTheLimit_Is429_WithRetryAfter_AndTheTurnDoesNotRun()
    {
        using var bot = new BotFactory();
        bot.Settings["RateLimits:WebChatPerMinute"] = "3";
        using var http = bot.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var marker = "refused-" + Guid.NewGuid().ToString("N");
        using var refused = await http.PostAsJsonAsync("/api/webchat/messages", new { text = marker }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(
            refused.Headers.RetryAfter?.Delta > TimeSpan.Zero,
            "Retry-After tells the client when to come back"
        );
        Assert.DoesNotContain(await StoredTextAsync(bot), text => text.Contains(marker, StringComparison.Ordinal));
        // the allowed ones did run
        Assert.Contains(await StoredTextAsync(bot), text => text.Contains("help", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AgentSignIn_IsLimited_SoPasswordsCannotBeGuessedQuickly()
    {
        using var bot = new BotFactory();
        bot.Settings["RateLimits:AgentSignInPerMinute"] = "2";
        using var http = bot.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
        );

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var attempt = await http.PostAsync(
                "/agent/login",
                new FormUrlEncodedContent(
                    new Dictionary<string, string> { ["name"] = "amy", ["password"] = $"guess-{i}" }
                ),
                Ct
            );
            statuses.Add(attempt.StatusCode);
        }

        Assert.All(statuses.Take(2), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.All(statuses.Skip(2), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    // Every stored document of the web chat's conversations, as text.
    private static async Task<List<string>> StoredTextAsync(BotFactory bot)
    {
        var store = bot.Services.GetRequiredService<IDocumentStore>();
        var texts = new List<string>();
        await foreach (var key in store.ListKeysAsync("conversations/webchat/", Ct))
        {
            texts.Add(System.Text.Encoding.UTF8.GetString((await store.ReadAsync(key, Ct))!.Content.Span));
        }

        return texts;
    }
}
