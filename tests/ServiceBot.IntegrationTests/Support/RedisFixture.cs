using System.Diagnostics;
using System.Globalization;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A private Redis (Debian's <c>redis-server</c>, installed by infra/scripts/test.sh) on a free
/// 127.0.0.1 port, nothing persisted: the agent console's SignalR backplane across instances.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private static readonly string[] Places = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];
    private Process? _server;

    /// <summary>The StackExchange.Redis connection string: what <c>ScaleOut:Redis</c> is set to.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var executable = Places.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server is not installed. Run infra/scripts/test.sh, which installs Debian's redis-server."
            );
        var port = FreePort.Next();
        _server = Process.Start(
            new ProcessStartInfo(executable)
            {
                ArgumentList =
                {
                    "--port",
                    port.ToString(CultureInfo.InvariantCulture),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "yes",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }
        )!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var server = _server;
        await FreePort.WaitUntilListeningAsync(
            port,
            TimeSpan.FromSeconds(30),
            () => !server.HasExited,
            CancellationToken.None
        );
        ConnectionString = $"127.0.0.1:{port}";
    }

    public ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        return ValueTask.CompletedTask;
    }
}
