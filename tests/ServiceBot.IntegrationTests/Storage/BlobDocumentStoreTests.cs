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
        var missing = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("nosuchcontainer");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => new BlobDocumentStore(missing).CheckReachableAsync(Ct));
    }
}
