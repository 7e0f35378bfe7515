using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Channels.WebChat;

public sealed class WebChatTests : IDisposable
{
    private readonly BotFactory _bot = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private static async Task<List<string>> TextsAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return [.. body.GetProperty("replies").EnumerateArray().Select(r => r.GetProperty("text").GetString()!)];
    }

    [Fact]
    public async Task Page_IsServedAtTheRoot()
    {
        using var http = _bot.CreateClient();

        var page = await http.GetStringAsync("/", Ct);

        Assert.Contains("chat.js", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visitor_IsGreeted_ThenAnsweredInTheirLanguage()
    {
        using var http = _bot.CreateClient();

        var greeting = await TextsAsync(
            await http.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct)
        );
        var help = await TextsAsync(await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct));

        Assert.Contains("欢迎关注", Assert.Single(greeting), StringComparison.Ordinal);
        Assert.Contains("cancel", Assert.Single(help), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoVisitors_HaveSeparateConversations_KeyedByAnUnguessableCookie()
    {
        using var first = _bot.CreateClient();
        using var second = _bot.CreateClient();

        using var a = await first.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        using var b = await second.PostAsJsonAsync("/api/webchat/messages", new { text = "帮助" }, Ct);

        var cookie = Assert.Single(a.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var keys = await KeysAsync("conversations/webchat/");
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal(32, k.Split('/')[^1].Length));
    }

    [Fact]
    public async Task AVisitorIdThePagePicks_IsNotTaken_TheServerIssuesItsOwn()
    {
        using var http = _bot.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false }
        );
        var picked = new string('a', 32);
        http.DefaultRequestHeaders.Add("Cookie", $"sb_chat={picked}");

        using var answer = await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);

        answer.EnsureSuccessStatusCode();
        Assert.Single(answer.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sb_chat=", StringComparison.Ordinal));
        var visitor = Assert.Single(await KeysAsync("conversations/webchat/")).Split('/')[^1];
        Assert.NotEqual(picked, visitor);
    }

    [Fact]
    public async Task SameMessageIdTwice_IsAnsweredOnce()
    {
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { id = "m1", text = "help" }, Ct);

        var again = await TextsAsync(
            await http.PostAsJsonAsync("/api/webchat/messages", new { id = "m1", text = "help" }, Ct)
        );

        Assert.Contains("cancel", Assert.Single(again), StringComparison.Ordinal);
        var record = await RecordOfOnlyVisitorAsync();
        Assert.Single(record.Handled);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"text\":\"\"}")]
    [InlineData("{\"event\":\"unsubscribe\"}")]
    [InlineData("{\"id\":\"../x\",\"text\":\"hi\"}")]
    [InlineData("not json")]
    public async Task BadBody_Is400_AndStoresNothing(string body)
    {
        using var http = _bot.CreateClient();

        using var response = await http.PostAsync(
            "/api/webchat/messages",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            Ct
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await KeysAsync("conversations/"));
    }

    [Fact]
    public async Task ProactiveMessage_IsCollectedByThePageOnce()
    {
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        var visitor = (await KeysAsync("conversations/webchat/")).Single().Split('/')[^1];

        await _bot
            .Services.GetRequiredService<ProactiveMessenger>()
            .SendAsync(new ConversationReference("webchat", visitor), [Reply.FromText("您的包裹已到达")], Ct);

        Assert.Equal(["您的包裹已到达"], await TextsAsync(await http.GetAsync("/api/webchat/messages", Ct)));
        Assert.Empty(await TextsAsync(await http.GetAsync("/api/webchat/messages", Ct)));
    }

    private async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in _bot.Services.GetRequiredService<IDocumentStore>().ListKeysAsync(prefix, Ct))
        {
            keys.Add(key);
        }

        return keys;
    }

    private async Task<ConversationRecord> RecordOfOnlyVisitorAsync()
    {
        var visitor = (await KeysAsync("conversations/webchat/")).Single().Split('/')[^1];
        return (
            await _bot
                .Services.GetRequiredService<ConversationStateStore>()
                .LoadAsync(new ConversationReference("webchat", visitor), Ct)
        ).Record;
    }

    [Fact]
    public async Task APhotoFromThePage_IsKept_AndOutsideADialogGoesToAPerson()
    {
        using var http = _bot.CreateClient();
        var jpeg = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);

        var answer = await TextsAsync(
            await http.PostAsJsonAsync(
                "/api/webchat/messages",
                new { id = "p1", image = "data:image/jpeg;base64," + jpeg },
                Ct
            )
        );

        // queued, in or out of business hours
        Assert.Contains("回复“取消”可退出排队", Assert.Single(answer), StringComparison.Ordinal);
        Assert.Single(await KeysAsync("webchat/media/"));
        Assert.Single(await KeysAsync("handoff/open/"));
        Assert.Single(await KeysAsync("photos/webchat_")); // kept for the agent who takes the case
    }

    [Theory]
    [InlineData("bm90IGFuIGltYWdl")]
    [InlineData("%%%")]
    public async Task NotAnImage_Is400_AndKeepsNothing(string image)
    {
        using var http = _bot.CreateClient();
        var before = await KeysAsync("");

        using var response = await http.PostAsJsonAsync("/api/webchat/messages", new { image }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await KeysAsync(""));
    }
}
