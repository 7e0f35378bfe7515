using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;

namespace ServiceBot.IntegrationTests.Channels.WeChat;

/// <summary>
/// One access token for every instance: the stand-in refuses a superseded token as WeChat does, so
/// instances that each fetched their own (<c>cgi-bin/token</c>) would knock each other's out.
/// </summary>
public sealed class AccessTokenTests : IAsyncLifetime
{
    private WeChatApiStandIn _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _api = await WeChatApiStandIn.StartAsync();

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task TwoInstancesRefreshingAtOnce_HoldOneValidToken()
    {
        using var first = new BotFactory();
        using var second = new BotFactory();
        foreach (var bot in new[] { first, second })
        {
            bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
        }

        var clients = new[] { first, second }.Select(b => b.Services.GetRequiredService<WeChatApiClient>()).ToArray();

        var sends = await Task.WhenAll(
            Enumerable
                .Range(0, 20)
                .Select(i => clients[i % 2].SendCustomerMessageAsync($"oUser{i}", Reply.FromText("您好"), Ct))
        );

        Assert.All(sends, s => Assert.True(s.IsOk, s.ToString()));
        Assert.Equal(0, _api.TokensRefused);
        Assert.Equal(1, _api.TokenRequests);
        Assert.Equal(20, _api.CustomerMessages.Count);
    }

    [Fact]
    public async Task TheStandIn_RefusesATokenSupersededByAnotherFetch_AsWeChatDoes()
    {
        using var http = new HttpClient { BaseAddress = _api.BaseUrl };
        var older = await TokenAsync(http);
        var newer = await TokenAsync(http);

        var refused = await SendAsync(http, older);
        var taken = await SendAsync(http, newer);

        Assert.Equal(40001, refused.GetProperty("errcode").GetInt32());
        Assert.Equal(0, taken.GetProperty("errcode").GetInt32());
    }

    private static async Task<string> TokenAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/cgi-bin/token?grant_type=client_credential", Ct))
            .GetProperty("access_token")
            .GetString()!;

    private static async Task<JsonElement> SendAsync(HttpClient http, string token)
    {
        using var response = await http.PostAsJsonAsync(
            $"/cgi-bin/message/custom/send?access_token={token}",
            new
            {
                touser = "oUser",
                msgtype = "text",
                text = new { content = "hi" },
            },
            Ct
        );
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
