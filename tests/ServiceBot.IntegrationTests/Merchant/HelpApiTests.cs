using System.Net;
using System.Text;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Merchant;

public sealed class HelpApiTests : IDisposable
{
    private readonly BotFactory _bot = new();

    public HelpApiTests() => _bot.Settings["Merchant:ApiKey"] = "k";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot.Dispose();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ArticlesPutThroughTheApi_AnswerACustomersQuestionInWeChat()
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        using var put = await merchant.PutAsync(
            "/api/help/KETTLE-1",
            Json(
                """
                [{"title":"电热水壶除水垢","body":"加入半壶水和两勺柠檬酸，烧开后静置三十分钟。","keywords":["水垢","除垢"]}]
                """
            ),
            Ct
        );
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var wechat = _bot.CreateClient();
        var openId = WeChatWire.OpenId();
        using var answer = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "水壶怎么除水垢"), openId),
            Ct
        );

        Assert.Contains(
            "【电热水壶除水垢】",
            WeChatWire.OpenReply(await answer.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task DeletedArticles_AreGone_AndNoLongerAnswer()
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        (
            await merchant.PutAsync(
                "/api/help/KETTLE-1",
                Json("""[{"title":"电热水壶除水垢","body":"加入半壶水和两勺柠檬酸。","keywords":["水垢"]}]"""),
                Ct
            )
        ).EnsureSuccessStatusCode();
        using var wechat = _bot.CreateClient();
        var openId = WeChatWire.OpenId();
        Assert.Contains(
            "【电热水壶除水垢】",
            await AskAsync(wechat, openId, "水壶怎么除水垢"),
            StringComparison.Ordinal
        );

        using var deleted = await merchant.DeleteAsync("/api/help/KETTLE-1", Ct);
        using var again = await merchant.DeleteAsync("/api/help/KETTLE-1", Ct);
        using var read = await merchant.GetAsync("/api/help/KETTLE-1", Ct);

        Assert.Equal(
            (HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            (deleted.StatusCode, again.StatusCode, read.StatusCode)
        );
        Assert.DoesNotContain(
            "【电热水壶除水垢】",
            await AskAsync(wechat, openId, "水壶怎么除水垢"),
            StringComparison.Ordinal
        );
    }

    private static async Task<string> AskAsync(HttpClient wechat, string openId, string text)
    {
        using var answer = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), text), openId),
            Ct
        );
        return WeChatWire.OpenReply(await answer.Content.ReadAsStringAsync(Ct))["Content"]!;
    }

    [Fact]
    public async Task AnArticlesPicture_FollowsItsAnswer_AsOneImageMessage()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        _bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        var picture = Picture.Png(32, 24);
        using var put = await merchant.PutAsync(
            "/api/help/KETTLE-1",
            Json(
                $$"""
                [{"title":"电热水壶除水垢","body":"加入半壶水和两勺柠檬酸，烧开后静置三十分钟。","keywords":["水垢"],
                  "image":"data:image/png;base64,{{Convert.ToBase64String(picture)}}"}]
                """
            ),
            Ct
        );
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var wechat = _bot.CreateClient();
        var openId = WeChatWire.OpenId();
        using var answer = await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "水壶怎么除水垢"), openId),
            Ct
        );

        Assert.Contains(
            "【电热水壶除水垢】",
            WeChatWire.OpenReply(await answer.Content.ReadAsStringAsync(Ct))["Content"],
            StringComparison.Ordinal
        );
        Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var image = Assert.Single(api.CustomerMessages);
        Assert.Equal("image", image.GetProperty("msgtype").GetString());
        Assert.Equal(picture, api.Uploads[image.GetProperty("image").GetProperty("media_id").GetString()!]);
        var stored = await merchant.GetStringAsync("/api/help/KETTLE-1", Ct);
        Assert.Contains("\"photoId\":\"help_KETTLE-1_", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("base64", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnArticlesShortVideo_FollowsItsAnswer_AsOneVideoMessage()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        _bot.Settings["WeChat:ApiBaseUrl"] = api.BaseUrl.AbsoluteUri;
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
        // 3 MB: over Kestrel's 4 MB default once in Base64, as a short video is.
        byte[] mp4 = [0, 0, 0, 0x18, .. "ftypmp42"u8, 0, 0, 0, 0, .. new byte[3 * 1024 * 1024]];
        using var put = await merchant.PutAsync(
            "/api/help/KETTLE-1",
            Json(
                $$"""
                [{"title":"电热水壶除水垢","body":"加入半壶水和两勺柠檬酸，烧开后静置三十分钟。","keywords":["水垢"],
                  "video":"{{Convert.ToBase64String(mp4)}}"}]
                """
            ),
            Ct
        );
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var wechat = _bot.CreateClient();
        var openId = WeChatWire.OpenId();
        await wechat.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "水壶怎么除水垢"), openId),
            Ct
        );

        Assert.True(await api.WaitForCustomerMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var video = Assert.Single(api.CustomerMessages);
        Assert.Equal("video", video.GetProperty("msgtype").GetString());
        Assert.Equal("电热水壶除水垢", video.GetProperty("video").GetProperty("title").GetString());
        Assert.Equal(mp4, api.Uploads[video.GetProperty("video").GetProperty("media_id").GetString()!]);
    }

    [Theory]
    [InlineData("""{"title":"x"}""", "body")]
    [InlineData("""[{"body":"b"}]""", "[0].title")]
    [InlineData("""[{"title":"t","body":""}]""", "[0].body")]
    [InlineData("""[{"title":"t","body":"b","image":"bm90IGFuIGltYWdl"}]""", "[0].image")]
    [InlineData("""[{"title":"t","body":"b","video":"bm90IGEgdmlkZW8="}]""", "[0].video")]
    public async Task InvalidArticles_Are400NamingTheField(string body, string field)
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");

        using var response = await merchant.PutAsync("/api/help/CUP-1", Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await merchant.GetAsync("/api/help/CUP-1", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("%E4%BF%9D%E6%B8%A9%E6%9D%AF")]
    public async Task AProductNotASku_Is400_OnReadAndWrite(string sku)
    {
        using var merchant = _bot.CreateClient();
        merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");

        using var read = await merchant.GetAsync($"/api/help/{sku}", Ct);
        using var write = await merchant.PutAsync($"/api/help/{sku}", Json("""[{"title":"t","body":"b"}]"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
    }

    [Fact]
    public async Task WithoutTheKey_Is401()
    {
        using var anonymous = _bot.CreateClient();

        using var response = await anonymous.PutAsync("/api/help/CUP-1", Json("[]"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
