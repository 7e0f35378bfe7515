using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using ServiceBot.Bot.Agents;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>
/// Two agents in headless Chromium against the real bot process: a chat arrives live, one agent
/// claims it (the other console sees the claim without reloading), sees the customer's photo,
/// replies (one customer-service send at the WeChat stand-in), notes (no send), and hands back.
/// </summary>
public sealed class AgentConsoleBrowserTests
{
    private const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Environment(string folder, WeChatApiStandIn api) =>
        new()
        {
            ["Storage__Path"] = folder,
            ["WeChat__Token"] = BotFactory.Token,
            ["WeChat__AppId"] = BotFactory.AppId,
            ["WeChat__EncodingAESKey"] = BotFactory.AesKey,
            ["WeChat__AppSecret"] = "standin-secret",
            ["WeChat__ApiBaseUrl"] = api.BaseUrl.AbsoluteUri,
            ["Agents__Users__amy__PasswordHash"] = AgentAccounts.Hash(Password),
            ["Agents__Users__bob__PasswordHash"] = AgentAccounts.Hash(Password),
            ["Agents__Users__bob__Role"] = "supervisor",
            ["Merchant__ApiKey"] = "merchant-key",
        };

    private static async Task<IPage> SignInAsync(
        IBrowser browser,
        BotProcess bot,
        string name,
        int width = 1280,
        int height = 800
    )
    {
        var context = await browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
            }
        );
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(bot.BaseAddress, "/agent").AbsoluteUri);
        // anonymous: sent to sign in
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/agent/login"));
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("body[data-live=true]")).ToHaveCountAsync(1);
        return page;
    }

    private static async Task<string> SayAsync(HttpClient wechat, string openId, string xml)
    {
        using var response = await wechat.SendAsync(WeChatWire.Encrypted(xml, openId), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return body == "success" || body.Length == 0 ? "" : WeChatWire.OpenReply(body)["Content"] ?? "";
    }

    [Fact]
    public async Task AnAgent_ClaimsALiveChat_SeesThePhoto_Replies_Notes_AndHandsBack_WhileAColleagueSeesTheClaim()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        api.Media = Picture.Png(160, 120);
        var folder = Directory.CreateTempSubdirectory("servicebot-agents-").FullName;
        await using var bot = BotProcess.Start(Environment(folder, api));
        await bot.WaitUntilListeningAsync(Ct);
        using var wechat = new HttpClient { BaseAddress = bot.BaseAddress };
        var openId = WeChatWire.OpenId();
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var amy = await SignInAsync(browser, bot, "amy");
            var bob = await SignInAsync(browser, bot, "bob");
            await Assertions.Expect(amy.Locator("#queue li")).ToHaveCountAsync(0);

            // The customer asks for a person: the chat arrives in both consoles without a reload.
            Assert.Contains(
                "取消",
                await SayAsync(wechat, openId, WeChatWire.Text(openId, 1, "我要人工")),
                StringComparison.Ordinal
            );
            await Assertions.Expect(amy.Locator("#queue li.queued")).ToHaveCountAsync(1);
            await Assertions.Expect(bob.Locator("#queue li.queued")).ToHaveCountAsync(1);
            Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "docs"));
            await amy.ScreenshotAsync(
                new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot.Path, "docs", "agent-queue.png") }
            );

            await amy.ClickAsync("#queue li.queued");
            await amy.ClickAsync("#claim");
            await Assertions.Expect(amy.Locator("#state")).ToContainTextAsync("amy");
            // the colleague sees the claim live
            await Assertions.Expect(bob.Locator("#queue li.agent")).ToContainTextAsync("amy");

            // The supervisor's board: one chat with amy, and the week's notice decisions (a campaign the customer never
            // opted into).
            using (var merchant = new HttpClient { BaseAddress = bot.BaseAddress })
            {
                merchant.DefaultRequestHeaders.Add("X-Api-Key", "merchant-key");
                (
                    await merchant.PutAsync(
                        "/api/orders/S1",
                        new StringContent(
                            $$$"""
                            {"openId":"{{{openId}}}","placedAt":"2026-11-20T10:00:00+08:00","status":"delivered",
                            "items":[{"sku":"CUP-1","name":"保温杯","quantity":1,"price":99}]}
                            """,
                            System.Text.Encoding.UTF8,
                            "application/json"
                        ),
                        Ct
                    )
                ).EnsureSuccessStatusCode();
                (
                    await merchant.PostAsync(
                        "/api/campaigns",
                        new StringContent(
                            """
                            {"campaignId":"winter","title":"冬季特惠","body":"全场 8 折","sendAt":"2020-01-01T00:00:00Z",
                            "audience":{"skus":["CUP-1"]}}
                            """,
                            System.Text.Encoding.UTF8,
                            "application/json"
                        ),
                        Ct
                    )
                ).EnsureSuccessStatusCode();
                await Eventually.HoldsAsync(
                    async () =>
                        (await merchant.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/campaigns/winter", Ct))
                            .GetProperty("status")
                            .GetString() == "finished",
                    "the campaign did not finish"
                );
            }

            // agents are not supervisors
            Assert.Equal(403, await amy.EvaluateAsync<int>("() => fetch('/agent/api/stats').then(r => " + "r.status)"));
            await bob.Locator("#supervisor-link").ClickAsync();
            await Assertions.Expect(bob.Locator("body[data-loaded=true]")).ToHaveCountAsync(1);
            await Assertions.Expect(bob.Locator("#with-agents")).ToHaveTextAsync("1");
            await Assertions.Expect(bob.Locator("#agents .bar")).ToContainTextAsync("amy");
            await Assertions.Expect(bob.Locator("#notices")).ToContainTextAsync("Drop: Consent");
            await bob.ScreenshotAsync(
                new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot.Path, "docs", "agent-supervisor.png") }
            );

            // The customer sends a photo: it appears in the agent's transcript, served only to agents.
            Assert.Equal("", await SayAsync(wechat, openId, WeChatWire.Image(openId, 2, "media-cup")));
            var photo = amy.Locator("#transcript li.customer img");
            await Assertions.Expect(photo).ToHaveCountAsync(1);
            var photoUrl = new Uri(bot.BaseAddress, await photo.GetAttributeAsync("src"));
            Assert.Equal(
                "image/png",
                await amy.EvaluateAsync<string>(
                    "url => fetch(url).then(r => r.headers.get('content-type'))",
                    photoUrl.AbsoluteUri
                )
            );
            // the real picture reached the agent
            await Assertions.Expect(photo).ToHaveJSPropertyAsync("naturalWidth", 160);

            await amy.FillAsync("#text", "您好，照片收到了，杯盖是拧不紧吗？");
            await amy.ClickAsync("#reply");
            await Assertions.Expect(amy.Locator("#transcript li.agent")).ToHaveCountAsync(1);
            // sent, so the box is clear for the note
            await Assertions.Expect(amy.Locator("#text")).ToHaveValueAsync("");
            await amy.FillAsync("#text", "密封圈可能老化，先补发一个");
            await amy.ClickAsync("#note");
            await Assertions.Expect(amy.Locator("#transcript li.note")).ToHaveCountAsync(1);
            await Assertions.Expect(amy.Locator("#text")).ToHaveValueAsync("");
            await amy.ScreenshotAsync(
                new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot.Path, "docs", "agent-conversation.png") }
            );

            // The same console on a phone: the queue, then the chat full-screen with a way back.
            var phone = await SignInAsync(browser, bot, "amy", width: 390, height: 844);
            await phone.ClickAsync("#queue li.agent");
            await Assertions.Expect(phone.Locator("#transcript li.customer img")).ToBeVisibleAsync();
            await Assertions.Expect(phone.Locator("#back")).ToBeVisibleAsync();
            await Assertions.Expect(phone.Locator(".queue")).ToBeHiddenAsync();
            await phone.ScreenshotAsync(
                new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot.Path, "docs", "agent-phone.png") }
            );

            var sent = api
                .CustomerMessages.Select(m => m.GetProperty("text").GetProperty("content").GetString()!)
                .ToList();
            Assert.Single(sent, s => s == "您好，照片收到了，杯盖是拧不紧吗？");
            Assert.DoesNotContain(sent, s => s.Contains("密封圈", StringComparison.Ordinal));
            Assert.Equal(2, sent.Count); // "amy joined", and the reply: the note went nowhere

            await amy.ClickAsync("#handback");
            await Assertions.Expect(amy.Locator("#state")).ToContainTextAsync("closed");
            await Assertions.Expect(bob.Locator("#queue li")).ToHaveCountAsync(0);
            Assert.True(await api.WaitForCustomerMessagesAsync(3, TimeSpan.FromSeconds(10)));
            Assert.Contains(
                "Reply with a number",
                await SayAsync(wechat, openId, WeChatWire.Text(openId, 3, "help")),
                StringComparison.Ordinal
            ); // the bot is back

            // Without signing in, nothing of the console answers: pages redirect, the API, the hub and photos refuse.
            using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            {
                BaseAddress = bot.BaseAddress,
            };
            foreach (var path in new[] { "/agent", "/agent/console.js", "/agent/supervisor", "/agent/supervisor.js" })
            {
                using var page = await anonymous.GetAsync(path, Ct);
                Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
                Assert.Contains("/agent/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
            }

            var caseId = Uri.UnescapeDataString(photoUrl.AbsolutePath.Split('/')[4]);
            foreach (
                var (method, path) in new[]
                {
                    ("GET", "/agent/api/me"),
                    ("GET", "/agent/api/queue"),
                    ("GET", "/agent/api/stats"),
                    ("GET", $"/agent/api/cases/{caseId}"),
                    ("GET", photoUrl.AbsolutePath),
                    ("POST", $"/agent/api/cases/{caseId}/claim"),
                    ("POST", $"/agent/api/cases/{caseId}/reply"),
                    ("POST", $"/agent/api/cases/{caseId}/note"),
                    ("POST", $"/agent/api/cases/{caseId}/transfer"),
                    ("POST", $"/agent/api/cases/{caseId}/handback"),
                    ("POST", $"/agent/api/cases/{caseId}/resolve"),
                    ("POST", "/agent/hub/negotiate?negotiateVersion=1"),
                    ("POST", "/agent/logout"),
                }
            )
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content =
                        method == "POST"
                            ? new StringContent("{\"text\":\"x\"}", System.Text.Encoding.UTF8, "application/json")
                            : null,
                };
                using var response = await anonymous.SendAsync(request, Ct);
                Assert.True(
                    response.StatusCode is HttpStatusCode.Unauthorized
                        || (path == "/agent/logout" && response.StatusCode == HttpStatusCode.Redirect),
                    $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller"
                );
            }

            Assert.Equal(3, api.CustomerMessages.Count); // joined, reply, goodbye: nothing more
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
