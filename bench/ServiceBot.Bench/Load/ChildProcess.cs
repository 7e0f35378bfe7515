using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ServiceBot.Bench.Load;

/// <summary>A server the benchmark starts on 127.0.0.1 and stops when done.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;

    private ChildProcess(string name, Process process, int port)
    {
        _name = name;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The bot's management address (<c>Operations:ManagementUrls</c>), where its /metrics is.</summary>
    public Uri ManagementAddress { get; private init; } = new("http://127.0.0.1:1");

    public int Id => _process.Id;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the program and waits until its port accepts connections.</summary>
    public static async Task<ChildProcess> StartAsync(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        int? port = null
    )
    {
        var chosen = port ?? FreePort();
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(
                argument.Replace(
                    "{port}",
                    chosen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    StringComparison.Ordinal
                )
            );
        }

        // A second port, for the bot's management address (where /metrics is served), when asked for.
        var management = FreePort();
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value.Replace(
                "{management}",
                management.ToString(System.Globalization.CultureInfo.InvariantCulture),
                StringComparison.Ordinal
            );
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var child = new ChildProcess(name, process, chosen)
        {
            ManagementAddress = new($"http://127.0.0.1:{management}"),
        };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {errors}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, chosen);
                return child;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await child.DisposeAsync();
        throw new TimeoutException($"{name} did not open port {chosen} within 60 s");
    }

    /// <summary>The resident memory of the process, in bytes.</summary>
    public long WorkingSet()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Console.Error.WriteLine($"  stopped {_name}");
    }
}
