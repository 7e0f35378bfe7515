using System.Net;
using System.Net.Http.Json;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// Behind a load balancer every request comes from the balancer's address: with
/// <c>ScaleOut:TrustedProxies</c> the per-source limits count the client it forwards, not the balancer.
/// </summary>
public sealed class ForwardedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RateLimits_CountTheForwardedClient_OnlyWhenTheProxyIsTrusted(bool trusted)
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-proxy-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Storage__Path"] = folder,
            ["WeChat__Token"] = BotFactory.Token,
            ["RateLimits__WebChatPerMinute"] = "2",
        };
        if (trusted)
        {
            environment["ScaleOut__TrustedProxies"] = "127.0.0.1";
        }

        await using var bot = BotProcess.Start(environment);
        await bot.WaitUntilListeningAsync(Ct);
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };

        async Task<HttpStatusCode> ChatAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webchat/messages")
            {
                Content = JsonContent.Create(new { text = "help" }),
            };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request, Ct);
            return response.StatusCode;
        }

        var first = new[]
        {
            await ChatAsync("203.0.113.7"),
            await ChatAsync("203.0.113.7"),
            await ChatAsync("203.0.113.7"),
        };
        var other = await ChatAsync("198.51.100.9");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], first);
        // Trusted: another customer has a budget of their own. Not trusted: the header is ignored, everyone is "the
        // balancer".
        Assert.Equal(trusted ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, other);
        await bot.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
