using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A private PostgreSQL (Debian's <c>postgresql</c>, installed by infra/scripts/test.sh) on a free
/// 127.0.0.1 port, in a temporary data folder, for the test classes that need a clustered
/// scheduler. PostgreSQL refuses to run as root, so under root it runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private Process? _server;
    private string _folder = "";
    private string _postgres = "";
    private string _data = "";
    private int _port;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory
                .GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .Order()
                .LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb). Run infra/scripts/test.sh, "
                    + "which installs Debian's postgresql."
            );
        }

        _folder = Directory.CreateTempSubdirectory("servicebot-pg-").FullName;
        var data = Path.Combine(_folder, "data");
        if (IsRoot)
        {
            await RunAsync(new ProcessStartInfo("chown") { ArgumentList = { "postgres:postgres", _folder } });
        }

        await RunAsync(
            Start(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        );
        _postgres = Path.Combine(bin, "postgres");
        _data = data;
        _port = FreePort.Next();
        ConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";
        await StartAgainAsync();
    }

    /// <summary>Starts the stopped server again: same port, same data.</summary>
    public async Task StartAgainAsync()
    {
        _server = Process.Start(
            Start(
                _postgres,
                "-D",
                _data,
                "-p",
                _port.ToString(CultureInfo.InvariantCulture),
                "-h",
                "127.0.0.1",
                "-k",
                _folder,
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200"
            )
        )!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>
    /// Stops the server as an operator's restart would (fast shutdown: sessions are cut), and waits until it has.
    /// </summary>
    public async Task StopAsync()
    {
        if (_server is not { HasExited: false } server)
        {
            return;
        }

        // Under root the server runs under runuser: signal the postmaster itself, found by its data folder's pid file.
        var pid = File.ReadLines(Path.Combine(_data, "postmaster.pid")).First().Trim();
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", pid } })!)
        {
            await kill.WaitForExitAsync();
        }

        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        server.Dispose();
        _server = null;
    }

    /// <summary>A new, empty database that belongs to one test; Quartz creates its tables there at start-up.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        if (_folder.Length > 0)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (clock.Elapsed < TimeSpan.FromSeconds(60) && _server is { HasExited: false })
            {
                // Starting up: connections are refused until it is ready.
                await Task.Delay(100);
            }
        }
    }

    // Under root, PostgreSQL's tools run as the postgres user (runuser keeps the arguments as given).
    private static ProcessStartInfo Start(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(IsRoot ? "runuser" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", executable })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): "
                    + $"{await error}{await output}"
            );
        }
    }
}
