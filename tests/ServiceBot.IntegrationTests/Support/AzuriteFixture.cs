using Azure.Storage.Blobs;

[assembly: AssemblyFixture(typeof(ServiceBot.IntegrationTests.Support.AzuriteFixture))]

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A fresh, in-memory Azurite (pinned in infra/package.json) on a free 127.0.0.1 port, for the
/// whole test run. Each test class takes its own container.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public string ConnectionString => _server?.ConnectionString ?? "";

    public async ValueTask InitializeAsync() => _server = await AzuriteServer.StartAsync();

    /// <summary>A new, empty container that belongs to one test class.</summary>
    public async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(ConnectionString).GetBlobContainerClient(
            "t" + Guid.NewGuid().ToString("N")[..20]
        );
        await container.CreateAsync();
        return container;
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
