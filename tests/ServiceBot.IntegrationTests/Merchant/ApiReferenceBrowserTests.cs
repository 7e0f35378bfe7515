using Microsoft.Playwright;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>The API reference at <c>/openapi</c>, rendered by Scalar in Chromium under the pages' CSP.</summary>
public sealed class ApiReferenceBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheReference_RendersTheMerchantApi_WithNothingTheCspRefuses()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-openapi-").FullName;
        await using var bot = BotProcess.StartDevelopment(
            folder,
            new Dictionary<string, string> { ["Merchant__ApiKey"] = "reference-key" }
        );
        await bot.WaitUntilListeningAsync(Ct);
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var refused = new List<string>();
            await using var context = await browser.NewContextAsync(
                new BrowserNewContextOptions
                {
                    ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = "reference-key" },
                }
            );
            var page = await context.NewPageAsync();
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    refused.Add(message.Text);
                }
            };

            await page.GotoAsync(new Uri(bot.BaseAddress, "/openapi").AbsoluteUri);

            await Assertions.Expect(page.GetByText("ServiceBot merchant and courier APIs").First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("/api/orders/{orderId}").First).ToBeAttachedAsync();
            Assert.Empty(refused);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }
}
