using System.Net;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

public sealed class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAndReadiness_AnswerOnTheEmbeddedDefault()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
        using var ready = await http.GetAsync("/readyz", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Production_WithTheDefaultWeChatToken_StopsStartUp_NamingTheKey()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-start-").FullName;
        await using var bot = BotProcess.Start(new Dictionary<string, string> { ["Storage__Path"] = folder });

        await bot.WaitForExitAsync(Ct);

        Assert.Equal(1, bot.ExitCode);
        Assert.Contains("WeChat:Token is the default", bot.Output, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("WeChat__ReplyBudget", "soon", "WeChat:ReplyBudget")]
    [InlineData("WeChat__ReplyBudget", "00:00:10", "WeChat:ReplyBudget")]
    [InlineData("WeChat__EncodingAESKey", "too-short", "WeChat:EncodingAESKey")]
    [InlineData("WeChat__Token", "a b", "WeChat:Token")]
    [InlineData("WeChat__ApiBaseUrl", "/relative", "WeChat:ApiBaseUrl")]
    [InlineData("Storage__Provider", "AzureBlob", "Storage:ConnectionString")]
    [InlineData("Storage__Provider", "Floppy", "Storage:Provider")]
    [InlineData("Scheduler__Provider", "PostgreSql", "Scheduler:ConnectionString")]
    [InlineData("Scheduler__Provider", "Cron", "Scheduler:Provider")]
    [InlineData("Policy__TimeZone", "Mars/Olympus", "Policy:TimeZone")]
    public async Task BadSetting_StopsStartUp_WithOneClearMessageNamingTheKey(
        string variable,
        string value,
        string named
    )
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-start-").FullName;
        await using var bot = BotProcess.Start(
            new Dictionary<string, string> { ["Storage__Path"] = folder, [variable] = value }
        );

        await bot.WaitForExitAsync(Ct);

        Assert.Equal(1, bot.ExitCode);
        Assert.StartsWith(
            "ServiceBot cannot start: configuration error.",
            bot.Output.TrimStart(),
            StringComparison.Ordinal
        );
        Assert.Contains(named, bot.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bot.Output, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
