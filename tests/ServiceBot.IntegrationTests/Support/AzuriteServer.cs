using System.Diagnostics;
using System.Globalization;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// One Azurite blob server (pinned in infra/package.json) on a 127.0.0.1 port: in memory, or kept in
/// a folder so that it can be stopped and started again with its data, for outage tests.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string? _folder;
    private readonly System.Text.StringBuilder _output = new();
    private Process? _process;

    private AzuriteServer(int port, string? folder)
    {
        Port = port;
        _folder = folder;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public int Port { get; }

    /// <summary>What the server printed, and whether it is still running: for a failing test's message.</summary>
    public string Status
    {
        get
        {
            lock (_output)
            {
                return $"azurite on {Port}: "
                    + $"{(_process is { HasExited: false } ? "running" : "not running")}\n{_output}";
            }
        }
    }

    public string ConnectionString { get; }

    /// <summary>
    /// Starts Azurite; with <paramref name="persistent"/>, its data lives in a temporary folder and survives a stop.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(bool persistent = false)
    {
        var server = new AzuriteServer(
            FreePort.Next(),
            persistent ? Directory.CreateTempSubdirectory("servicebot-azurite-").FullName : null
        );
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the stopped server again, on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        var executable = Path.Combine(RepositoryRoot.Path, "infra", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {executable}. Run 'npm ci --prefix infra' (the README's test "
                    + $"command does)."
            );
        }

        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Port.ToString(CultureInfo.InvariantCulture),
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent",
                "--loose",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_folder is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_folder);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await FreePort.WaitUntilListeningAsync(
            Port,
            TimeSpan.FromSeconds(60),
            () => !process.HasExited,
            CancellationToken.None
        );
    }

    /// <summary>
    /// Stops the server as an operator would (SIGTERM: it saves its data and closes), and waits until it has.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (
            var kill = Process.Start(
                new ProcessStartInfo("kill")
                {
                    ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) },
                }
            )!
        )
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
        _process = null;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
