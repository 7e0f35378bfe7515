using Microsoft.Playwright;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Channels.WebChat;

/// <summary>
/// The bot as `dotnet run` starts it (a real process on the embedded default, no other server),
/// and a person chatting with it in Chromium.
/// </summary>
public sealed class WebChatBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SayAsync(IPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(page.Locator("#log li.user").Last).ToHaveTextAsync(text);
    }

    [Fact]
    public async Task ThePage_GreetsTheVisitor_AndAnswersWhatTheyType()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-browser-").FullName;
        // As `dotnet run` starts it: the Development environment serves wwwroot from the project.
        await using var bot = BotProcess.Start(
            new Dictionary<string, string> { ["Storage__Path"] = folder, ["ASPNETCORE_ENVIRONMENT"] = "Development" }
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
            await page.GotoAsync(bot.BaseAddress.AbsoluteUri);

            await Assertions.Expect(page.Locator("#log li.bot").First).ToContainTextAsync("欢迎关注");

            await page.FillAsync("#text", "help");
            await page.PressAsync("#text", "Enter");

            await Assertions.Expect(page.Locator("#log li.user")).ToHaveTextAsync("help");
            await Assertions
                .Expect(page.Locator("#log li.bot").Nth(1))
                .ToContainTextAsync("Reply \"cancel\" at any time");

            // The demo shop (on in Development): the visitor's own orders, help articles, settings.
            await SayAsync(page, "查订单");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("您最近的订单");
            await SayAsync(page, "第一个");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("派送中 · 上海浦东 Pudong");
            await SayAsync(page, "水壶怎么除水垢");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("【电热水壶除水垢】");
            await SayAsync(page, "通知");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("物流通知：未开启");
            await SayAsync(page, "1");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("已开启物流通知");

            // A return with a photo from the page: the delivered kettle is the second order listed.
            await SayAsync(page, "退货");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("要退哪个订单");
            await SayAsync(page, "2");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("请选择退货原因");
            await SayAsync(page, "1");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("请拍下商品照片");
            await page.SetInputFilesAsync(
                "#photo",
                new FilePayload
                {
                    Name = "kettle.jpg",
                    MimeType = "image/jpeg",
                    Buffer = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46],
                }
            );
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("收到第 1 张");
            await SayAsync(page, "好了");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("照片：1 张");
            await SayAsync(page, "确认");
            await Assertions.Expect(page.Locator("#log li.bot").Last).ToContainTextAsync("退货申请已提交，编号 R");
            Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
            await page.ScreenshotAsync(
                new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot.Path, "artifacts", "webchat.png") }
            );
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
