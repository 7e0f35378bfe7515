using System.Diagnostics;
using Azure.Storage.Blobs;

[assembly: AssemblyFixture(typeof(ServiceBot.IntegrationTests.Support.AzuriteFixture))]

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A fresh, in-memory Azurite (pinned in infra/package.json) on a free 127.0.0.1 port, for the
/// whole test run. Each test class takes its own container.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var executable = System.IO.Path.Combine(RepositoryRoot.Path, "infra", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {executable}. Run 'npm ci --prefix infra' (the README's test command does).");
        }

        var port = FreePort.Next();
        _process = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !_process.HasExited, CancellationToken.None);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    /// <summary>A new, empty container that belongs to one test class.</summary>
    public async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(ConnectionString).GetBlobContainerClient("t" + Guid.NewGuid().ToString("N")[..20]);
        await container.CreateAsync();
        return container;
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
