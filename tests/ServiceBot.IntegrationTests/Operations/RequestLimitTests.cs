using System.Net;
using System.Text;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>Kestrel's own limits, so a real process: nobody can make the bot read a huge body.</summary>
public sealed class RequestLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A25MegabyteWebChatBody_IsRefused413_BeforeItIsRead()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-limits-").FullName;
        await using var bot = BotProcess.Start(
            new Dictionary<string, string> { ["Storage__Path"] = folder, ["WeChat__Token"] = BotFactory.Token }
        );
        await bot.WaitUntilListeningAsync(Ct);
        // A client that waits for the server's word however long it takes (a loaded machine answers slowly).
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = bot.BaseAddress,
        };
        var image = new string('A', 25 * 1024 * 1024);
        var small = Encoding.UTF8.GetBytes("""{"text":"你好"}""");

        // As a browser or proxy may: announce the body and wait for the server's word before sending it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webchat/messages")
        {
            Content = new StringContent($$"""{"image":"{{image}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var huge = await http.SendAsync(request, Ct);
        using var fine = await http.PostAsync(
            "/api/webchat/messages",
            new ByteArrayContent(small) { Headers = { { "Content-Type", "application/json" } } },
            Ct
        );

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        Directory.Delete(folder, recursive: true);
    }
}
