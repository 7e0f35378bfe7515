using System.Globalization;
using BenchmarkDotNet.Jobs;
using ServiceBot.Bench;
using ServiceBot.Bench.Load;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

// dotnet run -c Release --project bench/ServiceBot.Bench -- load [customers] [messages] [seconds]
// dotnet run -c Release --project bench/ServiceBot.Bench -- store [users] [turnsPerUser]
// dotnet run -c Release --project bench/ServiceBot.Bench -- policy [decisions]
// dotnet run -c Release --project bench/ServiceBot.Bench -- campaign [customers]
// dotnet run -c Release --project bench/ServiceBot.Bench -- memory [customers...]
// (serve bare|protocol <port> is what the load mode starts its reference servers with)
var mode = args.FirstOrDefault() ?? "store";
int Argument(int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

if (mode == "serve" && args is [_, "bare" or "protocol", var port])
{
    await ReferenceServers.RunAsync(args[1], int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

// Writes messages for a wrk run by hand (profiling a running bot): messages <customers> <count> <file>
if (mode == "messages" && args.Length == 4)
{
    WeChatMessages.WriteForWrk(
        WeChatMessages.Build(Argument(1, 0), Argument(2, 0), TimeProvider.System.GetUtcNow()),
        args[3]
    );
    return 0;
}

// An open-loop run by hand against a running bot: openloop <url> <file> <offset> <rate> <seconds>.
// The first 2 seconds of messages warm the driver itself (its JIT, its thread pool) and are not
// counted: a cold driver's first second reads as a stall of the server.
if (mode == "openloop" && args.Length == 6)
{
    var rate = double.Parse(args[4], CultureInfo.InvariantCulture);
    var warmUp = (int)(rate * 2);
    var messages = WeChatMessages.ReadForWrk(args[2], Argument(3, 0), warmUp + (int)(rate * Argument(5, 0)));
    var server = new Uri(args[1]);
    await OpenLoop.RunAsync(server, messages, 0, rate, TimeSpan.FromSeconds(2), expectReply: true);
    var run = await OpenLoop.RunAsync(
        server,
        messages,
        warmUp,
        rate,
        TimeSpan.FromSeconds(Argument(5, 0)),
        expectReply: true
    );
    Console.WriteLine(
        string.Create(
            CultureInfo.InvariantCulture,
            $"asked {run.TargetPerSecond:N0}/s, sent {run.AchievedPerSecond:N0}/s, {run.Sent:N0} requests, "
                + $"{run.Failed} failed; p50 {run.P50Ms:N1} ms, p99 {run.P99Ms:N1} ms, max {run.MaxMs:N1} "
                + $"ms; the driver's CPU {run.DriverMicrosecondsPerRequest:N1} µs a request"
        )
    );
    Console.WriteLine(
        "worst ms by tenth of a second: "
            + string.Join(' ', run.WorstByTenth.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))
    );
    return 0;
}

// The turn alone in a loop, to profile with perf (not a benchmark: no baseline, no ratio).
if (mode == "turnloop")
{
    var pieces = new ServiceBot.Bench.Inner.TurnPieces();
    pieces.Setup();
    for (var round = 0; round < 5; round++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed.TotalSeconds < 3)
        {
            await pieces.Turn();
            count++;
        }

        Console.WriteLine($"{clock.Elapsed.TotalMicroseconds / count:F1} us a turn");
    }

    pieces.Cleanup();
    return 0;
}

// Where a turn's time and allocations go: BenchmarkDotNet over its pieces, in process.
if (mode == "inner")
{
    // In process: the pieces are internal to the product assemblies, and no project is generated.
    var config = BenchmarkDotNet
        .Configs.ManualConfig.CreateMinimumViable()
        .AddJob(Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance))
        .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    BenchmarkDotNet
        .Running.BenchmarkSwitcher.FromTypes([typeof(ServiceBot.Bench.Inner.TurnPieces)])
        .Run(args[1..] is { Length: > 0 } filter ? filter : ["--filter", "*"], config);
    return 0;
}

if (mode == "load")
{
    return await LoadBenchmark.RunAsync(
        new LoadBenchmark.Settings(Argument(1, 100_000), Argument(2, 400_000), Argument(3, 10))
    );
}
if (mode == "memory")
{
    return await MemoryBenchmark.RunAsync(
        args.Length > 1 ? [.. args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [100_000, 1_000_000]
    );
}

if (mode == "campaign")
{
    var customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    var folder = Directory.CreateTempSubdirectory("servicebot-campaign-").FullName;
    try
    {
        using var local = new LogDocumentStore(Path.Combine(folder, "documents"));
        var r = await CampaignBenchmark.RunAsync(local, customers);
        Console.WriteLine(
            $"Campaign to {r.Customers:N0} customers on the embedded store (log-structured), audience {r.Audience:N0}:"
        );
        Console.WriteLine("| step | seconds | per second | storage floor, s | ratio to floor |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(
            $"| preview ({r.WouldSend:N0} would get it) | {r.PreviewSeconds:N2} | "
                + $"{r.Audience / r.PreviewSeconds:N0} | {r.PreviewFloorSeconds:N2} | "
                + $"{r.PreviewFloorSeconds / r.PreviewSeconds:N2} |"
        );
        Console.WriteLine(
            $"| fan-out ({r.Sent:N0} sent, {r.ChannelCalls:N0} channel calls) | {r.FanOutSeconds:N2} | "
                + $"{r.Audience / r.FanOutSeconds:N0} | {r.FanOutFloorSeconds:N2} | "
                + $"{r.FanOutFloorSeconds / r.FanOutSeconds:N2} |"
        );
        return 0;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

if (mode == "policy")
{
    var decisions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000_000;
    PolicyBenchmark.Run(decisions / 10); // warm-up
    var (perSecond, sends) = PolicyBenchmark.Run(decisions);
    Console.WriteLine(
        $"| no-spam policy, one thread | {perSecond:N0} decisions/s | {sends:N0} of {decisions:N0} sent |"
    );
    return 0;
}

if (mode != "store")
{
    Console.Error.WriteLine(
        "usage: ServiceBot.Bench load [customers] [messages] [seconds] | store [users] [turnsPerUser] | "
            + "policy [decisions] | campaign [customers]"
    );
    return 2;
}

var users = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
var turns = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
var root = Directory.CreateTempSubdirectory("servicebot-bench-").FullName;
try
{
    var filesRoot = Directory.CreateDirectory(Path.Combine(root, "files")).FullName;
    var files = await StoreBenchmark.TurnsPerSecondAsync(new FileDocumentStore(filesRoot), users, turns, 8);
    Console.WriteLine(
        $"Local store, {users:N0} users x {turns} turns (read + conditional write of 600 B), 8 and 64 in flight:"
    );
    Console.WriteLine("| store | turns/s, 8 in flight | turns/s, 64 in flight | ratio to file per document (8) |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine($"| file per document (temp + rename, no fsync) | {files:N0} | — | 1.00 |");
    var candidates = new (string Name, Func<string, IDocumentStore> Open)[]
    {
        ("SQLite WAL, synchronous=NORMAL (no fsync a commit)", f => new SqliteDocumentStore(f + ".db")),
        ("SQLite WAL, synchronous=FULL (fsync a commit, group commit)", f => new SqliteDocumentStore(
            f + ".db",
            "FULL"
        )),
        ("log-structured, Written (no fsync a write)", f => new LogDocumentStore(
            f,
            durability: LocalDurability.Written
        )),
        ("log-structured, Synced (fsync, group commit; the default)", f => new LogDocumentStore(f)),
    };
    foreach (var (name, open) in candidates)
    {
        var rates = new List<double>();
        foreach (var concurrency in new[] { 8, 64 })
        {
            var store = open(Path.Combine(root, $"{rates.Count}-{name.GetHashCode(StringComparison.Ordinal):x}"));
            try
            {
                rates.Add(await StoreBenchmark.TurnsPerSecondAsync(store, users, turns, concurrency));
            }
            finally
            {
                (store as IDisposable)?.Dispose();
            }
        }

        Console.WriteLine($"| {name} | {rates[0]:N0} | {rates[1]:N0} | {rates[0] / files:N2} |");
    }

    return 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(root, recursive: true);
}
