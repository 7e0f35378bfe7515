using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Storage;

/// <summary>The bot on Storage:Provider=AzureBlob (Azurite): real turns, counted storage requests.</summary>
public sealed class BlobProviderTurnTests(AzuriteFixture azurite) : IDisposable
{
    private readonly CountingPolicy _requests = new();
    private BotFactory? _bot;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bot?.Dispose();

    private HttpClient Start()
    {
        _bot = new BotFactory();
        _bot.Settings["Storage:Provider"] = "AzureBlob";
        _bot.Settings["Storage:ConnectionString"] = azurite.ConnectionString;
        _bot.Settings["Storage:Container"] = "c" + Guid.NewGuid().ToString("N")[..20];
        _bot.TestServices = services =>
        {
            var options = new BlobClientOptions();
            options.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
            services.AddSingleton(options);
        };
        return _bot.CreateClient();
    }

    [Fact]
    public async Task EveryTurn_CostsTwoStorageRequests_AndTheReplyIsRight()
    {
        using var http = Start();
        var openId = WeChatWire.OpenId();
        await http.GetAsync("/healthz", Ct);
        var counts = new List<int>();

        for (var i = 0; i < 3; i++)
        {
            var before = _requests.Count;
            using var response = await http.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, 7_000_000 + i, "help"), openId),
                Ct
            );
            Assert.Contains(
                "cancel",
                WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"],
                StringComparison.Ordinal
            );
            counts.Add(_requests.Count - before);
        }

        // First turn: read (404) + create-if-absent; later turns: read + If-Match write.
        Assert.Equal([2, 2, 2], counts);
        var blob = new BlobServiceClient(azurite.ConnectionString)
            .GetBlobContainerClient(_bot!.Settings["Storage:Container"])
            .GetBlobClient($"conversations/wechat/{openId}");
        Assert.True(await blob.ExistsAsync(Ct));
    }

    [Fact]
    public async Task Readiness_ReportsTheBlobStore()
    {
        using var http = Start();

        Assert.Equal("Healthy", await http.GetStringAsync("/readyz", Ct));
    }

    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
