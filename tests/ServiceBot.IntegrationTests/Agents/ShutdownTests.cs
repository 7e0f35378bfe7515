using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>A service manager's SIGTERM stops the bot promptly, even with agent consoles connected live.</summary>
public sealed class ShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_WithTwoConsolesConnected_StopsTheProcessWithinFiveSeconds()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-shutdown-").FullName;
        try
        {
            await using var bot = BotProcess.StartDevelopment(folder);
            await bot.WaitUntilListeningAsync(Ct);
            var cookies = new CookieContainer();
            await AgentSignIn.SignInAsync(bot.BaseAddress, cookies, "demo", "demo", Ct);
            var consoles = new List<HubConnection>();
            foreach (var transport in new[] { HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents })
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(bot.BaseAddress, "/agent/hub"), options =>
                    {
                        options.Cookies = cookies;
                        options.Transports = transport;
                    })
                    .Build();
                await hub.StartAsync(Ct);
                consoles.Add(hub);
            }

            var took = await bot.TerminateAsync(Ct);

            Assert.True(took < TimeSpan.FromSeconds(5), $"the bot took {took.TotalSeconds:N1} s to stop");
            Assert.Equal(0, bot.ExitCode);
            foreach (var hub in consoles)
            {
                await hub.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
