using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ServiceBot.Bot.Agents;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>
/// An agent's session is the server's to end: configuration as it is now decides who is still an
/// agent, signing out ends the session everywhere, and a copy of the store mints nothing.
/// </summary>
public sealed partial class AgentSessionTests
{
    private const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARemovedAgentsCookie_IsRefused_AndADemotedOneLosesTheSupervisorView()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-sessions-").FullName;
        string amy;
        string bob;
        using (var before = Bot(folder, ("amy", "supervisor"), ("bob", "supervisor")))
        {
            amy = await SignInAsync(before, "amy");
            bob = await SignInAsync(before, "bob");
        }

        // Restarted with amy removed and bob made an agent.
        using var after = Bot(folder, ("bob", "agent"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(after, amy, "/agent/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(after, bob, "/agent/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(after, bob, "/agent/api/stats")).StatusCode);
    }

    [Fact]
    public async Task SigningOut_EndsTheSessionOnTheServer_SoTheOldCookieIsRefused()
    {
        using var bot = Bot(Directory.CreateTempSubdirectory("servicebot-sessions-").FullName, ("amy", "agent"));
        var cookie = await SignInAsync(bot, "amy");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(bot, cookie, "/agent/api/me")).StatusCode);

        using var http = Client(bot, cookie);
        using var signOut = await http.PostAsync("/agent/logout", null, Ct);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(bot, cookie, "/agent/api/me")).StatusCode);
    }

    [Fact]
    public async Task ACopyOfTheStore_CannotMintASessionThatTheBotAccepts()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-sessions-").FullName;
        using (var genuine = Bot(folder, ("amy", "supervisor")))
        {
            await SignInAsync(genuine, "amy");
        }

        // Whoever copies the store runs the bot on the copy with a configuration of their own.
        var copy = Directory.CreateTempSubdirectory("servicebot-copy-").FullName;
        CopyFolder(folder, copy);
        string minted;
        using (var forger = Bot(copy, ("amy", "supervisor")))
        {
            forger.Settings["ScaleOut:KeyRingKey"] = Convert.ToBase64String(new byte[32]);
            minted = await SignInAsync(forger, "amy");
        }

        using var bot = Bot(folder, ("amy", "supervisor"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(bot, minted, "/agent/api/me")).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswords_MakeThatAccountWait_WhileOthersSignInAsUsual()
    {
        using var bot = Bot(
            Directory.CreateTempSubdirectory("servicebot-sessions-").FullName,
            ("amy", "agent"),
            ("bob", "agent")
        );
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await PostSignInAsync(bot, "amy", "guess " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await PostSignInAsync(bot, "amy", Password);
        using var other = await PostSignInAsync(bot, "bob", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Contains("try again in 1 min", await right.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    private static BotFactory Bot(string folder, params (string Name, string Role)[] users)
    {
        var bot = new BotFactory(folder);
        foreach (var (name, role) in users)
        {
            bot.Settings[$"Agents:Users:{name}:PasswordHash"] = AgentAccounts.Hash(Password);
            bot.Settings[$"Agents:Users:{name}:Role"] = role;
        }

        return bot;
    }

    // Signs in through the form, as the browser does; the session cookie as "name=value".
    private static async Task<string> SignInAsync(BotFactory bot, string name)
    {
        using var signIn = await PostSignInAsync(bot, name, Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = signIn
            .Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith("servicebot.agent=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(BotFactory bot, string name, string password)
    {
        using var http = bot.CreateClient(
            new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }
        );
        var form = await http.GetStringAsync("/agent/login", Ct);
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, form);
        return await http.PostAsync(
            "/agent/login",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    [token.Groups["name"].Value] = token.Groups["value"].Value,
                    ["name"] = name,
                    ["password"] = password,
                }
            ),
            Ct
        );
    }

    private static HttpClient Client(BotFactory bot, string cookie)
    {
        var http = bot.CreateClient(
            new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
        );
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    private static async Task<HttpResponseMessage> GetAsync(BotFactory bot, string cookie, string path)
    {
        using var http = Client(bot, cookie);
        return await http.GetAsync(path, Ct);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex("name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
