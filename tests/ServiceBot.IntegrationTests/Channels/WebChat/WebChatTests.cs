using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
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

    // The visitor a response's cookie names, opened as the server opens it.
    private async Task<ConversationRecord> RecordOfVisitorAsync(HttpResponseMessage issuedTheCookie)
    {
        var cookie = issuedTheCookie
            .Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith("sb_chat=", StringComparison.Ordinal));
        var visitor = _bot
            .Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("ServiceBot.WebChat.Visitor")
            .Unprotect(
                Uri.UnescapeDataString(cookie["sb_chat=".Length..cookie.IndexOf(';', StringComparison.Ordinal)])
            );
        return (
            await _bot
                .Services.GetRequiredService<ConversationStateStore>()
                .LoadAsync(new ConversationReference("webchat", visitor), Ct)
        ).Record;
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

    private static readonly string Jpeg =
        "data:image/jpeg;base64," + Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);

    [Fact]
    public async Task TenPhotosNobodyAskedFor_StoreNothing_AndOpenNoCase()
    {
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { text = "帮助" }, Ct);
        var before = await KeysAsync("");

        for (var i = 0; i < 10; i++)
        {
            var answer = await TextsAsync(
                await http.PostAsJsonAsync("/api/webchat/messages", new { id = $"p{i}", image = Jpeg }, Ct)
            );
            Assert.Contains("先从菜单开始退货", Assert.Single(answer), StringComparison.Ordinal);
        }

        Assert.Equal(before, await KeysAsync("")); // no photo, no media, no case
    }

    [Fact]
    public async Task APhotoTheReturnAsksFor_IsKeptOnce_EvenWhenThePageSendsItAgain()
    {
        _bot.Settings["Demo:Enabled"] = "true";
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct);
        foreach (var text in new[] { "退货", "2", "1" })
        {
            await http.PostAsJsonAsync("/api/webchat/messages", new { text }, Ct);
        }

        var first = await TextsAsync(
            await http.PostAsJsonAsync("/api/webchat/messages", new { id = "photo1", image = Jpeg }, Ct)
        );
        var again = await TextsAsync(
            await http.PostAsJsonAsync("/api/webchat/messages", new { id = "photo1", image = Jpeg }, Ct)
        );

        Assert.Contains("收到第 1 张", Assert.Single(first), StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.Single(await KeysAsync("photos/webchat_"));
    }

    [Fact]
    public async Task InAnOpenCase_APhotoIsKeptForTheAgent()
    {
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { text = "人工" }, Ct);

        await http.PostAsJsonAsync("/api/webchat/messages", new { id = "p1", image = Jpeg }, Ct);

        Assert.Single(await KeysAsync("handoff/open/"));
        Assert.Single(await KeysAsync("photos/webchat_"));
    }

    [Fact]
    public async Task AVisitorOverTheirMinuteQuota_Gets429_AndTheTurnDoesNotRun()
    {
        _bot.Settings["WebChat:MessagesPerMinute"] = "3";
        using var http = _bot.CreateClient();
        using var firstAnswer = await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        for (var i = 0; i < 2; i++)
        {
            (await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct)).EnsureSuccessStatusCode();
        }

        using var over = await http.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        using var someoneElse = _bot.CreateClient();
        using var other = await someoneElse.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.NotNull(over.Headers.RetryAfter);
        Assert.Equal(3, (await RecordOfVisitorAsync(firstAnswer)).Handled.Count);
        other.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task NewVisitorsOverTheMinuteCap_Wait_ButKnownVisitorsGoOn()
    {
        _bot.Settings["WebChat:NewVisitorsPerMinute"] = "2";
        using var first = _bot.CreateClient();
        using var second = _bot.CreateClient();
        using var third = _bot.CreateClient();
        (await first.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct)).EnsureSuccessStatusCode();
        (await second.GetAsync("/api/webchat/messages", Ct)).EnsureSuccessStatusCode();

        using var refused = await third.PostAsJsonAsync("/api/webchat/messages", new { text = "help" }, Ct);
        using var known = await first.PostAsJsonAsync("/api/webchat/messages", new { text = "menu" }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        known.EnsureSuccessStatusCode();
        Assert.Single(await KeysAsync("conversations/webchat/"));
    }

    [Fact]
    public async Task AnonymousCasesOverTheMinuteCap_AreNotQueued_AndTheVisitorIsToldToTryLater()
    {
        _bot.Settings["Handoff:AnonymousCasesPerMinute"] = "1";
        using var first = _bot.CreateClient();
        using var second = _bot.CreateClient();
        await first.PostAsJsonAsync("/api/webchat/messages", new { text = "人工" }, Ct);

        using var refused = await second.PostAsJsonAsync("/api/webchat/messages", new { text = "agent" }, Ct);

        Assert.Contains(
            "try again in a few minutes",
            Assert.Single(await TextsAsync(refused)),
            StringComparison.Ordinal
        );
        Assert.Single(await KeysAsync("handoff/open/"));
        Assert.Equal(ConversationOwner.Bot, (await RecordOfVisitorAsync(refused)).Owner);
    }

    [Fact]
    public async Task AnAgentsPhoto_ReachesTheVisitor_AndNoOtherVisitorCanOpenIt()
    {
        using var http = _bot.CreateClient();
        await http.PostAsJsonAsync("/api/webchat/messages", new { text = "人工" }, Ct);
        var desk = _bot.Services.GetRequiredService<ServiceBot.Services.Handoff.AgentDesk>();
        var caseId = Assert.Single(await desk.QueueAsync(Ct)).CaseId;
        await desk.ClaimAsync(caseId, "alice", Ct);
        await http.PostAsJsonAsync("/api/webchat/messages", new { text = "看看这个" }, Ct); // the window opens
        var photoId = $"agent_{caseId}_one";
        await _bot
            .Services.GetRequiredService<ServiceBot.Services.Photos.CustomerPhotos>()
            .KeepBytesAsync(photoId, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], Ct);

        Assert.True((await desk.SendPhotoAsync(caseId, "alice", photoId, Ct)).Ok);

        var pending = await (await http.GetAsync("/api/webchat/messages", Ct)).Content.ReadFromJsonAsync<JsonElement>(
            Ct
        );
        var photo = pending
            .GetProperty("replies")
            .EnumerateArray()
            .Single(r => r.TryGetProperty("photoId", out var id) && id.ValueKind == JsonValueKind.String);
        using var mine = await http.GetAsync($"/api/webchat/photos/{photo.GetProperty("photoId").GetString()}", Ct);
        using var stranger = _bot.CreateClient();
        using var theirs = await stranger.GetAsync($"/api/webchat/photos/{photoId}", Ct);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("image/jpeg", mine.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
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
