using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Storage;

namespace ServiceBot.IntegrationTests.Storage;

/// <summary>The store contract against Azure Blob Storage, on a real Azurite.</summary>
public sealed class BlobDocumentStoreTests(AzuriteFixture azurite) : DocumentStoreContract, IAsyncLifetime
{
    private BlobDocumentStore? _store;

    protected override IDocumentStore Store => _store!;

    public async ValueTask InitializeAsync() => _store = new BlobDocumentStore(await azurite.NewContainerAsync());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task MissingContainer_IsReportedUnreachable()
    {
        var missing = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(
            "nosuchcontainer"
        );

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            new BlobDocumentStore(missing).CheckReachableAsync(Ct)
        );
    }

    [Fact]
    public async Task AFailedRead_SaysWhy_TheStorageErrorCode()
    {
        var missing = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(
            "nosuchcontainer"
        );

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            new BlobDocumentStore(missing).ReadAsync("conversations/wechat/o1", Ct)
        );

        Assert.Equal("Reading 'conversations/wechat/o1' in the blob store failed: ContainerNotFound.", failure.Message);
    }

    [Fact]
    public async Task AReadNobodyAnswers_SaysWhy_AfterTheSdksTries()
    {
        // Nothing listens on the port: the SDK tries twice and gives up with both failures.
        var port = FreePort.Next();
        var options = new Azure.Storage.Blobs.BlobClientOptions
        {
            Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) },
        };
        var unreachable = new Azure.Storage.Blobs.BlobServiceClient(
            System.Text.RegularExpressions.Regex.Replace(
                azurite.ConnectionString,
                @"127\.0\.0\.1:\d+",
                $"127.0.0.1:{port}"
            ),
            options
        ).GetBlobContainerClient("anything");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            new BlobDocumentStore(unreachable).ReadAsync("conversations/wechat/o1", Ct)
        );

        Assert.Contains($"Connection refused (127.0.0.1:{port})", failure.Message, StringComparison.Ordinal);
    }
}
