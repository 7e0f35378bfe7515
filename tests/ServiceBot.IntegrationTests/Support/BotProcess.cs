using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>The bot as a real process (dotnet ServiceBot.Bot.dll), for start-up and crash tests.</summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private int _disposed;

    // Each instance's management address, by its public port: where its /metrics is served.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Uri> Management = new();

    private BotProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>
    /// The management address of the instance whose public address is <paramref name="publicAddress"/>.
    /// </summary>
    public static Uri ManagementOf(Uri publicAddress) => Management[publicAddress.Port];

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The bot's build output that matches this test build (Debug or Release).</summary>
    public static string BotDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains(
                $"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal
            )
                ? "Release"
                : "Debug";
            return Path.Combine(
                RepositoryRoot.Path,
                "bot",
                "ServiceBot.Bot",
                "bin",
                configuration,
                "net10.0",
                "ServiceBot.Bot.dll"
            );
        }
    }

    /// <summary>As `dotnet run` starts it (Development, the project's settings), its data in the folder.</summary>
    public static BotProcess StartDevelopment(string folder, IReadOnlyDictionary<string, string>? more = null) =>
        Start(
            new Dictionary<string, string>(more ?? new Dictionary<string, string>())
            {
                ["Storage__Path"] = folder,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
            }
        );

    public static BotProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { BotDll, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = Path.GetDirectoryName(BotDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ScaleOut__KeyRingKey"] = BotFactory.KeyRingKey;
        var management = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        start.Environment["Operations__ManagementUrls"] = management.AbsoluteUri.TrimEnd('/');
        Management[port] = management;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var bot = new BotProcess(process, port);
        process.OutputDataReceived += (_, e) => bot.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bot.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bot;
    }

    public Task WaitUntilListeningAsync(CancellationToken cancellationToken) =>
        FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(60), () => !_process.HasExited, cancellationToken);

    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        _process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>SIGTERM, as a service manager stops the bot; answers how long it took to exit (60 s at most).</summary>
    public async Task<TimeSpan> TerminateAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await WaitForExitAsync(cancellationToken);
        return TimeProvider.System.GetElapsedTime(started);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was acknowledged must already be safe.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Kill();
        }

        await Task.CompletedTask;
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            _lines.Add((TimeProvider.System.GetUtcNow(), line));
        }
    }

    /// <summary>When the process last printed a line containing <paramref name="text"/>, or null.</summary>
    public DateTimeOffset? LastPrinted(string text)
    {
        lock (_output)
        {
            var index = _lines.FindLastIndex(l => l.Line.Contains(text, StringComparison.Ordinal));
            return index < 0 ? null : _lines[index].At;
        }
    }
}
