using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Merchant;

/// <summary>The merchant sets the account's menu through the bot, with keys the dialogs answer.</summary>
public sealed class MenuApiTests : IAsyncLifetime
{
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;
    private HttpClient _merchant = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory();
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        _bot.Settings["Merchant:ApiKey"] = "k";
        _merchant = _bot.CreateClient();
        _merchant.DefaultRequestHeaders.Add("X-Api-Key", "k");
    }

    public async ValueTask DisposeAsync()
    {
        _merchant.Dispose();
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Theory]
    [InlineData("menu.zh.json")]
    [InlineData("menu.en.json")]
    public async Task TheDefaultMenusInTheDocs_AreSetInWeChat_AndReadBack(string file)
    {
        var menu = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "menus", file), Ct);

        using var put = await PutAsync(menu);
        var read = await _merchant.GetFromJsonAsync<JsonElement>("/api/menu", Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var set = Assert.Single(_api.Menus);
        Assert.Equal("AGENT", set.GetProperty("button")[2].GetProperty("key").GetString());
        Assert.Equal(set.GetRawText(), read.GetRawText());
    }

    [Theory]
    [InlineData(
        """{"button":[{"name":"订单","sub_button":[{"type":"click","name":"查","key":"ORDER_STATUS"},"""
            + """{"type":"click","name":"抽奖","key":"LUCKY_DRAW"}]}]}""",
        "button[0].sub_button[1].key"
    )]
    [InlineData("""{"button":[{"type":"click","name":"这个名字太长了呀","key":"HELP"}]}""", "button[0].name")]
    [InlineData("""{"button":[{"type":"view","name":"官网","url":"javascript:alert(1)"}]}""", "button[0].url")]
    [InlineData("""{"button":[]}""", "button")]
    public async Task AMenuTheBotCannotAnswerOrWeChatWouldRefuse_Is400_NamingTheField_AndSetsNothing(
        string menu,
        string field
    )
    {
        using var put = await PutAsync(menu);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(field, await put.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(_api.Menus);
        Assert.Equal(HttpStatusCode.NotFound, (await _merchant.GetAsync("/api/menu", Ct)).StatusCode);
    }

    private Task<HttpResponseMessage> PutAsync(string menu) =>
        _merchant.PutAsync("/api/menu", new StringContent(menu, Encoding.UTF8, "application/json"), Ct);
}
