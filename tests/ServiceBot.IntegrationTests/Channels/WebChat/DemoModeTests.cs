using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Help;

namespace ServiceBot.IntegrationTests.Channels.WebChat;

public sealed class DemoModeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ByDefault_NoDemoProductsOrOrdersAppear()
    {
        using var bot = new BotFactory();
        using var http = bot.CreateClient();

        await http.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct);

        Assert.Empty(await bot.Services.GetRequiredService<HelpStore>().AllAsync(Ct));
    }

    [Fact]
    public async Task WhenEnabled_ProductsLoad_AndEachVisitorGetsTwoOrdersOfTheirOwn()
    {
        using var bot = new BotFactory();
        bot.Settings["Demo:Enabled"] = "true";
        using var first = bot.CreateClient();
        using var second = bot.CreateClient();

        await first.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct);
        await first.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct);
        await second.PostAsJsonAsync("/api/webchat/messages", new { @event = "subscribe" }, Ct);
        var reply = await first.PostAsJsonAsync("/api/webchat/messages", new { text = "查订单" }, Ct);

        Assert.Equal(3, (await bot.Services.GetRequiredService<HelpStore>().AllAsync(Ct)).Count);
        Assert.Contains("您最近的订单", await reply.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var keys = new List<string>();
        await foreach (
            var key in bot
                .Services.GetRequiredService<ServiceBot.Services.Storage.IDocumentStore>()
                .ListKeysAsync("orders/", Ct)
        )
        {
            keys.Add(key);
        }

        Assert.Equal(4, keys.Count);
    }
}
