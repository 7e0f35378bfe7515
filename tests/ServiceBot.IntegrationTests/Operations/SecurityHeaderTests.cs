using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>Every page and answer says: our own scripts only, never in a frame, no guessed types.</summary>
public sealed class SecurityHeaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/chat.js")]
    [InlineData("/agent/login")]
    [InlineData("/agent/login.css")]
    [InlineData("/healthz")]
    [InlineData("/api/webchat/messages")]
    public async Task EveryResponse_CarriesTheContentSecurityPolicy_AndNoSniff(string path)
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();

        using var response = await http.GetAsync(path, Ct);

        response.EnsureSuccessStatusCode();
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
