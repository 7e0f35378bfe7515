using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ServiceBot.Bot.Agents;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.ScaleOut;

/// <summary>
/// The agent console on two instances behind a load balancer without sticky sessions: an agent
/// signed in through one is signed in on the other (one key ring, in the store), and the live queue
/// on one shows a customer who asked for a person through the other (SignalR over Redis).
/// </summary>
public sealed partial class AgentConsoleScaleOutTests(
    AzuriteFixture azurite,
    PostgresFixture postgres,
    RedisFixture redis
) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const string Password = "correct horse battery";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAgentSignedInOnOneInstance_WorksOnTheOther_AndSeesLiveWhatHappensThere()
    {
        await using var api = await WeChatApiStandIn.StartAsync();
        await using var cluster = await BotCluster.StartAsync(
            2,
            azurite.ConnectionString,
            await postgres.NewDatabaseAsync(),
            api,
            new Dictionary<string, string>
            {
                ["ScaleOut__Redis"] = redis.ConnectionString,
                ["Agents__Users__amy__PasswordHash"] = AgentAccounts.Hash(Password),
            }
        );
        var cookies = new CookieContainer();
        HttpClient Agent(int instance) =>
            new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
            {
                BaseAddress = cluster.Instances[instance].BaseAddress,
            };

        // Sign in through instance 0.
        await AgentSignIn.SignInAsync(cluster.Instances[0].BaseAddress, cookies, "amy", Password, Ct);

        // The key that signed the cookie is in the shared store (two processes on one machine would
        // otherwise share the user's key folder and hide a key ring that is per machine).
        var keys = await cluster.Store().ListKeysAsync("data-protection/", Ct).ToListAsync(Ct);
        Assert.NotEmpty(keys);

        // The same cookie on instance 1: signed in there too, and its anti-forgery token is good on instance 0.
        using var b = Agent(1);
        var me = await b.GetFromJsonAsync<JsonElement>("/agent/api/me", Ct);
        Assert.Equal("amy", me.GetProperty("name").GetString());

        // Live updates from instance 0's hub, about a customer who asks for a person through instance 1.
        var changes = new System.Collections.Concurrent.ConcurrentQueue<CaseChangeMessage>();
        var queued = new TaskCompletionSource<CaseChangeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Instances[0].BaseAddress, "/agent/hub"), options =>
            {
                options.Cookies = cookies;
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        hub.On<CaseChangeMessage>("caseChanged", change =>
        {
            changes.Enqueue(change);
            queued.TrySetResult(change);
        });
        await hub.StartAsync(Ct);

        var openId = WeChatWire.OpenId();
        using (var customer = cluster.Client(1))
        {
            Assert.Contains(
                "转接人工客服",
                await BotCluster.SayAsync(customer, openId, WeChatWire.NewMsgId(), "转人工", Ct),
                StringComparison.Ordinal
            );
        }

        var change = await queued.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("queued", change.State);

        // Claimed through instance 0 with the token instance 1 handed out.
        using var a0 = Agent(0);
        using var claim = new HttpRequestMessage(HttpMethod.Post, $"/agent/api/cases/{change.CaseId}/claim")
        {
            Headers = { { AgentConsoleRegistration.AntiforgeryHeader, me.GetProperty("token").GetString() } },
        };
        using var claimed = await a0.SendAsync(claim, Ct);
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        await Eventually.HoldsAsync(
            () => Task.FromResult(changes.Any(c => c.CaseId == change.CaseId && c.AgentId == "amy")),
            "the claim was not pushed to the hub"
        );
        // The customer's wait, from handoff to claim, is on the claiming instance's /metrics.
        Assert.Equal(1, await BotCluster.MetricAsync(a0, "servicebot_handoff_queue_wait_seconds_count", Ct));
        TestContext.Current.SendDiagnosticMessage(
            "{0}: signed in on instance 0, served on 1; queued on 1 seen live on 0 through Redis; claimed "
                + "on 0 with 1's token; {1} live updates",
            nameof(AnAgentSignedInOnOneInstance_WorksOnTheOther_AndSeesLiveWhatHappensThere),
            changes.Count
        );
    }
}
