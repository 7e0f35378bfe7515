using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>
/// Agents sign in through the company's OpenID Connect provider; the provider's role decides who gets in.
/// </summary>
public sealed class AgentSsoTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> SignInThroughTheProviderAsync(HttpClient bot, HttpClient browser)
    {
        using var challenge = await bot.GetAsync("/agent/login/sso", Ct);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.Contains("code_challenge=", authorize.Query, StringComparison.Ordinal); // PKCE
        using var atProvider = await browser.GetAsync(authorize, Ct);
        var callback = atProvider.Headers.Location!;
        Assert.Equal("/agent/signin-oidc", callback.AbsolutePath);
        return await bot.GetAsync(callback.PathAndQuery, Ct);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    public async Task AnAgentOfTheCompany_SignsInWithTheProvider_AndGetsTheConsole(string role)
    {
        await using var provider = await OidcStandIn.StartAsync();
        provider.User = ("carol", [role, "finance"]);
        using var factory = new BotFactory();
        factory.Settings["Agents:OpenIdConnect:Authority"] = provider.Authority.AbsoluteUri;
        factory.Settings["Agents:OpenIdConnect:ClientId"] = "servicebot";
        factory.Settings["Agents:OpenIdConnect:ClientSecret"] = "s3cret";
        using var bot = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        Assert.Contains("/agent/login/sso", await bot.GetStringAsync("/agent/login", Ct), StringComparison.Ordinal);
        using var signedIn = await SignInThroughTheProviderAsync(bot, browser);

        Assert.Equal(
            (HttpStatusCode.Redirect, "/agent"),
            (signedIn.StatusCode, signedIn.Headers.Location!.OriginalString)
        );
        var me = await bot.GetFromJsonAsync<JsonElement>("/agent/api/me", Ct);
        // Known by the provider's subject, prefixed so no configured agent can share it; shown by name.
        Assert.Equal(
            ("sso:carol", "carol", role),
            (
                me.GetProperty("name").GetString(),
                me.GetProperty("displayName").GetString(),
                me.GetProperty("role").GetString()
            )
        );
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("/agent", Ct)).StatusCode);
    }

    [Fact]
    public async Task SomeoneWithoutTheAgentRole_IsTurnedAway()
    {
        await using var provider = await OidcStandIn.StartAsync();
        provider.User = ("dave", ["finance"]);
        using var factory = new BotFactory();
        factory.Settings["Agents:OpenIdConnect:Authority"] = provider.Authority.AbsoluteUri;
        factory.Settings["Agents:OpenIdConnect:ClientId"] = "servicebot";
        using var bot = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var turnedAway = await SignInThroughTheProviderAsync(bot, browser);

        Assert.Equal("/agent/login?sso=failed", turnedAway.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.GetAsync("/agent/api/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task WithoutAProvider_ThereIsNoSingleSignOn()
    {
        using var factory = new BotFactory();
        using var bot = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.NotFound, (await bot.GetAsync("/agent/login/sso", Ct)).StatusCode);
        Assert.DoesNotContain(
            "/agent/login/sso",
            await bot.GetStringAsync("/agent/login", Ct),
            StringComparison.Ordinal
        );
    }
}
