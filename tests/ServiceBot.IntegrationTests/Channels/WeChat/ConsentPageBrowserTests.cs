using Microsoft.Playwright;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

/// <summary>
/// The consent page in Chromium, as a customer opens it from the bot's link inside WeChat: through
/// the stand-in's web-page authorisation (a one-use code), with the stand-in's JS-SDK checking the
/// page's signature the way WeChat's does; the accept then arrives on the webhook.
/// </summary>
public sealed class ConsentPageBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePage_KnowsTheCustomer_PassesTheJsSdkCheck_AndAnAcceptLeavesOneConsent()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-consent-").FullName;
        await using var api = await WeChatApiStandIn.StartAsync();
        var openId = WeChatWire.OpenId();
        api.OAuthUser = openId;
        await using var bot = BotProcess.Start(
            new Dictionary<string, string>
            {
                ["Storage__Path"] = folder,
                ["ASPNETCORE_ENVIRONMENT"] = "Development", // serves wwwroot from the project, as `dotnet run` does
                ["WeChat__Token"] = BotFactory.Token,
                ["WeChat__AppId"] = BotFactory.AppId,
                ["WeChat__EncodingAESKey"] = BotFactory.AesKey,
                ["WeChat__AppSecret"] = "standin-secret",
                ["WeChat__ApiBaseUrl"] = api.BaseUrl.AbsoluteUri,
                ["WeChat__OAuthBaseUrl"] = api.BaseUrl.AbsoluteUri,
                ["WeChat__JsSdkUrl"] = new Uri(api.BaseUrl, "/open/js/jweixin-1.6.0.js").AbsoluteUri,
                ["WeChat__Templates__Delivery"] = "tpl-delivery",
            }
        );
        await bot.WaitUntilListeningAsync(Ct);
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(
                new BrowserNewPageOptions
                {
                    ViewportSize = new ViewportSize { Width = 390, Height = 844 },
                }
            );

            var console = new List<string>();
            page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
            page.PageError += (_, error) => console.Add($"error: {error}");
            await page.GotoAsync(new Uri(bot.BaseAddress, "/subscribe?topic=delivery").AbsoluteUri);

            Assert.Contains("code=", page.Url, StringComparison.Ordinal);
            Assert.True(
                await page.Locator("#consent[data-ready]").CountAsync() > 0
                    || await Eventually.HappensAsync(
                        async () => await page.Locator("#consent[data-ready]").CountAsync() > 0,
                        TimeSpan.FromSeconds(5)
                    ),
                string.Join("\n", console)
            );
            await Assertions.Expect(page.Locator("#consent")).ToHaveAttributeAsync("data-ready", "true");
            await Assertions.Expect(page.Locator("#state")).ToContainTextAsync("一次性通知 0 次");
            await Assertions.Expect(page.Locator("wx-open-subscribe")).ToHaveAttributeAsync("template", "tpl-delivery");

            // The customer taps "allow" in WeChat's popup; WeChat posts the event, and retries it.
            using var http = new HttpClient { BaseAddress = bot.BaseAddress };
            for (var copy = 0; copy < 2; copy++)
            {
                using var accept = await http.SendAsync(
                    WeChatWire.Encrypted(
                        WeChatWire.SubscribePopup(openId, 1_763_870_500, ("tpl-delivery", true)),
                        openId
                    ),
                    Ct
                );
                accept.EnsureSuccessStatusCode();
            }

            await page.GotoAsync(new Uri(bot.BaseAddress, "/subscribe?topic=delivery").AbsoluteUri);
            await Assertions.Expect(page.Locator("#state")).ToContainTextAsync("一次性通知 1 次");
            Assert.Equal((2, 0), (api.OAuthExchanges, api.OAuthRefused));

            // A code is good once: the same link opened again is refused, and the page says so.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("链接已过期");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            bot.Kill();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
