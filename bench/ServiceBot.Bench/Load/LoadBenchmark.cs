using System.Globalization;
using System.Text;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Bench.Load;

/// <summary>
/// The side-by-side load run of bench/README.md: every server answers the same signed, encrypted
/// WeChat text messages on 127.0.0.1, one server at a time. Each gets a warm-up, a closed-loop
/// peak (wrk, 2 threads, 64 connections) and an open-loop run at 80% of its own peak.
/// </summary>
internal static class LoadBenchmark
{
    private const string AzuriteKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public sealed record Settings(int Customers, int Messages, int Seconds);

    public sealed record Row(
        string Name,
        WrkResult Peak,
        OpenLoopResult AtEighty,
        OpenLoopResult AtHalf,
        double? StorageRequestsPerTurn,
        string Sample
    );

    public sealed record Memory(
        double StoredBytesPerCustomer,
        int LargestStoredBytes,
        long Conversations,
        double HeapBytesIdle,
        double HeapBytesLoaded,
        long WorkingSetLoaded
    );

    public static async Task<int> RunAsync(Settings settings)
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("servicebot-load-").FullName;
        try
        {
            Console.Error.WriteLine(
                $"Building {settings.Messages:N0} encrypted messages from {settings.Customers:N0} customers…"
            );
            var messages = WeChatMessages.Build(settings.Customers, settings.Messages, TimeProvider.System.GetUtcNow());
            var file = Path.Combine(work, "messages.txt");
            WeChatMessages.WriteForWrk(messages, file);
            var script = Path.Combine(repository, "bench", "wrk", "messages.lua");
            var run = new Runner(messages, file, script, settings.Seconds);
            var self = SelfCommand();
            var bot = BotDll(repository);
            var peers = Path.Combine(repository, "bench", "peers");
            var peerArguments = new[]
            {
                "{port}",
                WeChatMessages.Token,
                WeChatMessages.EncodingAesKey,
                WeChatMessages.AppId,
            };

            var rows = new List<Row>();
            await using (
                var bare = await ChildProcess.StartAsync(
                    "bare Kestrel",
                    self[0],
                    [.. self[1..], "serve", "bare", "{port}"],
                    DeployedGc
                )
            )
            {
                rows.Add(
                    await run.StatelessAsync("bare Kestrel: read the body, answer success", bare, expectReply: false)
                );
            }

            await using (
                var protocol = await ChildProcess.StartAsync(
                    "protocol only",
                    self[0],
                    [.. self[1..], "serve", "protocol", "{port}"],
                    DeployedGc
                )
            )
            {
                rows.Add(
                    await run.StatelessAsync(
                        "protocol only: verify, decrypt, parse, encrypt the reply",
                        protocol,
                        expectReply: true
                    )
                );
            }

            // Enough distinct messages for the full turn, which is never faster than protocol only: its
            // warm-up, a closed-loop peak and open loops at 80% and 50% of it, with a margin.
            var needed = settings.Customers + (int)(1.2 * 2.3 * rows[1].Peak.PerSecond * settings.Seconds);
            if (needed > messages.Length)
            {
                Console.Error.WriteLine($"Building {needed:N0} messages for a server this fast…");
                messages = WeChatMessages.Build(settings.Customers, needed, TimeProvider.System.GetUtcNow());
                WeChatMessages.WriteForWrk(messages, file);
                run = new Runner(messages, file, script, settings.Seconds);
            }

            Memory memory;
            var local = Path.Combine(work, "local");
            await using (
                var turn = await ChildProcess.StartAsync(
                    "ServiceBot, local store",
                    "dotnet",
                    [bot, "--urls", "http://127.0.0.1:{port}"],
                    BotEnvironment(local)
                )
            )
            {
                var heapIdle = await Metrics.GaugeAsync(
                    turn.ManagementAddress,
                    "dotnet_gc_last_collection_heap_size_bytes"
                );
                rows.Add(
                    await run.StatefulAsync(
                        "ServiceBot full turn, local store (log-structured)",
                        turn,
                        warmUp: settings.Customers
                    )
                );
                memory = new Memory(
                    0,
                    0,
                    0,
                    heapIdle,
                    await Metrics.GaugeAsync(turn.ManagementAddress, "dotnet_gc_last_collection_heap_size_bytes"),
                    turn.WorkingSet()
                );
            }

            memory = await StoredStateAsync(Path.Combine(local, "documents"), memory);

            // Protocol only again, right after the full turn: this machine's speed drifts within
            // minutes, so the full turn is set against the baseline's peaks on both sides of it.
            WrkResult protocolAfter;
            await using (
                var protocol = await ChildProcess.StartAsync(
                    "protocol only, again",
                    self[0],
                    [.. self[1..], "serve", "protocol", "{port}"],
                    DeployedGc
                )
            )
            {
                protocolAfter = (
                    await run.PeakAsync("protocol only, again after the full turn", protocol, expectReply: true)
                ).Peak;
            }

            // BENCH_TURN_ONLY=1: the ratio alone, for comparing two builds by hand (each run ~3 minutes).
            if (Environment.GetEnvironmentVariable("BENCH_TURN_ONLY") == "1")
            {
                var ratio = 2 * rows[2].Peak.PerSecond / (rows[1].Peak.PerSecond + protocolAfter.PerSecond);
                Console.WriteLine(
                    $"full turn {rows[2].Peak.PerSecond:N0}/s, protocol only {rows[1].Peak.PerSecond:N0}/s and "
                        + $"{protocolAfter.PerSecond:N0}/s: {ratio:N3}"
                );
                return 0;
            }

            await using (
                var azurite = await ChildProcess.StartAsync(
                    "Azurite",
                    Path.Combine(repository, "infra", "node_modules", ".bin", "azurite-blob"),
                    [
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        "{port}",
                        "--inMemoryPersistence",
                        "--skipApiVersionCheck",
                        "--disableTelemetry",
                        "--silent",
                        "--loose",
                    ]
                )
            )
            {
                var environment = BotEnvironment(Path.Combine(work, "azurite"));
                environment["Storage__Provider"] = "AzureBlob";
                environment["Storage__ConnectionString"] =
                    $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};"
                    + $"BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;";
                await using var turn = await ChildProcess.StartAsync(
                    "ServiceBot, Azurite",
                    "dotnet",
                    [bot, "--urls", "http://127.0.0.1:{port}"],
                    environment
                );
                rows.Add(await run.StatefulAsync("ServiceBot full turn, Azure Blob (Azurite)", turn, warmUp: 2_000));
            }

            await using (
                var webot = await ChildProcess.StartAsync(
                    "node-webot",
                    "node",
                    [Path.Combine(peers, "webot.js"), .. peerArguments]
                )
            )
            {
                rows.Add(
                    await run.StatelessAsync(
                        "node-webot (npm wechat 2.1.0): fixed echo, no state",
                        webot,
                        expectReply: true
                    )
                );
            }

            await using (
                var botbuilder = await ChildProcess.StartAsync(
                    "botbuilder",
                    "node",
                    [Path.Combine(peers, "botbuilder.js"), .. peerArguments]
                )
            )
            {
                rows.Add(
                    await run.StatelessAsync(
                        "Bot Framework JS (botbuilder 4.23.3), MemoryStorage",
                        botbuilder,
                        expectReply: true
                    )
                );
            }

            Print(settings, rows, memory, protocolAfter);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // The GC as the bot is deployed (Server GC as a web project; DATAS off in its project; the young
    // generation from infra/deploy/Dockerfile), for every .NET server measured here, so that the
    // ratios compare the work and not the settings (the bench, a console project, would otherwise
    // run its own servers on the workstation GC).
    private static readonly Dictionary<string, string> DeployedGc = new()
    {
        ["DOTNET_gcServer"] = "1",
        ["DOTNET_GCgen0size"] = "0x4000000",
        ["DOTNET_GCDynamicAdaptationMode"] = "0",
    };

    internal static Dictionary<string, string> BotEnvironment(string data) =>
        new(DeployedGc)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__Path"] = data,
            ["WeChat__Token"] = WeChatMessages.Token,
            ["WeChat__AppId"] = WeChatMessages.AppId,
            ["WeChat__EncodingAESKey"] = WeChatMessages.EncodingAesKey,
            ["ScaleOut__KeyRingKey"] = "c2VydmljZWJvdC1iZW5jaC1rZXktcmluZy1rZXktMzI=",
            // The messages are signed once, before the run, and wrk sends them again when it runs out.
            ["WeChat__MaxClockSkew"] = "01:00:00",
            // Kestrel and ASP.NET Core log nothing per request at Warning; ServiceBot logs no turn at Information.
            ["Logging__LogLevel__Default"] = "Warning",
            // /metrics is served only there.
            ["Operations__ManagementUrls"] = "http://127.0.0.1:{management}",
            // Synced (the default) unless the run asks otherwise, to see what the fsync costs.
            ["Storage__Durability"] = Environment.GetEnvironmentVariable("BENCH_DURABILITY") ?? "Synced",
        };

    // The conversations the run left, read back from the stopped bot's store: key and content bytes,
    // as the Blob provider would bill them (the log adds 27 bytes of framing a record).
    private static async Task<Memory> StoredStateAsync(string folder, Memory memory)
    {
        using var store = new LogDocumentStore(folder);
        var keys = await store.ListKeysAsync("conversations/", CancellationToken.None).ToListAsync();
        var sizes = (await store.ReadManyAsync(keys, CancellationToken.None))
            .Select((document, i) => keys[i].Length + document!.Content.Length)
            .ToList();
        return memory with
        {
            Conversations = sizes.Count,
            StoredBytesPerCustomer = sizes.Average(),
            LargestStoredBytes = sizes.Max(),
        };
    }

    private static void Print(Settings settings, List<Row> rows, Memory memory, WrkResult protocolAfter)
    {
        var limit = rows[0].Peak.PerSecond;
        var protocolBefore = rows[1].Peak.PerSecond;
        var protocol = (protocolBefore + protocolAfter.PerSecond) / 2;
        var webot = rows.Single(r => r.Name.StartsWith("node-webot", StringComparison.Ordinal)).Peak.PerSecond;
        var output = new StringBuilder();
        output.AppendLine(
            CultureInfo.InvariantCulture,
            $"{settings.Customers:N0} customers, {settings.Messages:N0} distinct messages; peak = wrk "
                + $"-t{Wrk.Threads} -c{Wrk.Connections} -d{settings.Seconds}s; p50/p99 = open loop at 80% "
                + $"of that server's peak for {settings.Seconds} s, from each request's due time."
        );
        output.AppendLine();
        output.AppendLine(
            "| server | peak req/s | ratio to limit | p50 ms at 80% | p99 ms at 80% | sent req/s | p99 ms "
                + "at 50% | failed | storage requests per turn |"
        );
        output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var driverBound = false;
        foreach (var row in rows)
        {
            var storage = row.StorageRequestsPerTurn is { } s ? s.ToString("N2", CultureInfo.InvariantCulture) : "—";
            // Below 95% of the rate asked for, the tail is the driver's, not the server's.
            var kept = row.AtEighty.AchievedPerSecond >= 0.95 * row.AtEighty.TargetPerSecond;
            driverBound |= !kept;
            var latency = string.Create(
                CultureInfo.InvariantCulture,
                $"{row.AtEighty.P50Ms:N1} | {row.AtEighty.P99Ms:N1}{(kept ? "" : "¹")}"
            );
            var halfKept = row.AtHalf.AchievedPerSecond >= 0.95 * row.AtHalf.TargetPerSecond;
            driverBound |= !halfKept;
            output.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.Peak.PerSecond:N0} | {row.Peak.PerSecond / limit:N3} | {latency} | "
                    + $"{row.AtEighty.AchievedPerSecond:N0} | {row.AtHalf.P99Ms:N1}{(halfKept ? "" : "¹")} "
                    + $"| {row.AtEighty.Failed + row.AtHalf.Failed + row.Peak.StatusErrors + row.Peak.SocketErrors} "
                    + $"| {storage} |"
            );
        }

        if (driverBound)
        {
            output.AppendLine();
            output.AppendLine(
                "¹ Fell behind: less than 95% of the rate asked for was completed in time, so requests "
                    + "queued: the server could not keep that share of its closed-loop peak once requests "
                    + "came on a schedule, or (at tens of thousands a second) the server and the driver "
                    + "together needed more than the 2 cores."
            );
        }

        var driver = rows.SelectMany(r => new[] { r.AtEighty, r.AtHalf })
            .Select(r => r.DriverMicrosecondsPerRequest)
            .ToList();
        output.AppendLine();
        output.AppendLine(
            CultureInfo.InvariantCulture,
            $"The open-loop driver (one thread polling {Wrk.Connections} keep-alive connections) took "
                + $"{driver.Min():N0} to {driver.Max():N0} µs of CPU a request in these runs."
        );

        var turn = rows.Single(r => r.Name.Contains("local store", StringComparison.Ordinal));
        output.AppendLine();
        output.AppendLine(
            CultureInfo.InvariantCulture,
            $"- Full turn (local store) ÷ protocol only: **{turn.Peak.PerSecond / protocol:N2}** (target ≥ "
                + $"0.5; against the mean of protocol only's peaks before and after it, {protocolBefore:N0} "
                + $"and {protocolAfter.PerSecond:N0}/s: {turn.Peak.PerSecond / protocolBefore:N2} and "
                + $"{turn.Peak.PerSecond / protocolAfter.PerSecond:N2} against each); ÷ node-webot: "
                + $"**{turn.Peak.PerSecond / webot:N2}** (target ≥ 3); p99 at 80%: "
                + $"**{turn.AtEighty.P99Ms:N1} ms**, at 50%: **{turn.AtHalf.P99Ms:N1} ms** (target < 50 at 80%)."
        );
        output.AppendLine(
            CultureInfo.InvariantCulture,
            $"- Stored state per customer: **{memory.StoredBytesPerCustomer:N0} B** on average, "
                + $"{memory.LargestStoredBytes:N0} B the largest, over {memory.Conversations:N0} "
                + $"conversations (target < 2,048)."
        );
        // The gauge is the heap after the last collection: none yet at start-up with a 64 MiB young generation.
        var idle =
            memory.HeapBytesIdle > 0 ? $"{memory.HeapBytesIdle / 1048576:N1} MiB idle" : "no collection yet when idle";
        output.AppendLine(
            CultureInfo.InvariantCulture,
            $"- Bot process: managed heap {idle}, {memory.HeapBytesLoaded / 1048576:N1} MiB after "
                + $"{memory.Conversations:N0} customers; working set {memory.WorkingSetLoaded / 1048576.0:N0} MiB."
        );
        foreach (var row in rows.Where(r => r.Sample.Length > 0))
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"- {row.Name} answered “{row.Sample}”.");
        }

        Console.WriteLine(output);
    }

    private static string[] SelfCommand()
    {
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [host, typeof(LoadBenchmark).Assembly.Location]
            : [host];
    }

    /// <summary>The bot as Release builds it.</summary>
    internal static string BotDll(string repository) =>
        Path.Combine(repository, "bot", "ServiceBot.Bot", "bin", "Release", "net10.0", "ServiceBot.Bot.dll");

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ServiceBot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ServiceBot.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Runs the phases against one server (warm-up, wrk peak, open loop at 80% and at 50%) and keeps
    /// stateful servers on fresh messages.
    /// </summary>
    private sealed class Runner(WeChatRequest[] messages, string file, string script, int seconds)
    {
        private const int StatelessWarmUpSeconds = 3;

        public async Task<Row> StatelessAsync(string name, ChildProcess server, bool expectReply)
        {
            var (sample, peak) = await PeakAsync(name, server, expectReply);
            // The driver's own warm-up (its JIT, its thread pool): cold, its first second reads as the server's stall.
            await OpenLoop.RunAsync(
                server.BaseAddress,
                messages,
                0,
                peak.PerSecond * 0.5,
                TimeSpan.FromSeconds(StatelessWarmUpSeconds),
                expectReply
            );
            var open = await OpenLoop.RunAsync(
                server.BaseAddress,
                messages,
                0,
                peak.PerSecond * 0.8,
                TimeSpan.FromSeconds(seconds),
                expectReply
            );
            var half = await OpenLoop.RunAsync(
                server.BaseAddress,
                messages,
                0,
                peak.PerSecond * 0.5,
                TimeSpan.FromSeconds(seconds),
                expectReply
            );
            return new Row(name, peak, open, half, null, sample);
        }

        /// <summary>
        /// A stateless server's first answer and wrk peak, after its warm-up (alone: protocol only again after
        /// the full turn).
        /// </summary>
        public async Task<(string Sample, WrkResult Peak)> PeakAsync(string name, ChildProcess server, bool expectReply)
        {
            Console.Error.WriteLine($"{name}…");
            var sample = await PreflightAsync(server, messages[0], expectReply);
            await Wrk.RunAsync(server.BaseAddress, script, file, 0, StatelessWarmUpSeconds);
            return (sample, await Wrk.RunAsync(server.BaseAddress, script, file, 0, seconds));
        }

        public async Task<Row> StatefulAsync(string name, ChildProcess server, int warmUp)
        {
            Console.Error.WriteLine($"{name}…");
            var sample = await PreflightAsync(server, messages[0], expectReply: true);
            await ClosedLoop.SendAsync(server.BaseAddress, messages.AsMemory(1, warmUp - 1), Wrk.Connections);
            long offset = warmUp;

            // The warm-up's garbage (100,000 requests encoded and answered) is collected now, not by a
            // background GC of the driver's on the same 2 cores while wrk measures the server.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

            var (storageBefore, turnsBefore) = await Metrics.StorageAndTurnsAsync(server.ManagementAddress);
            var peak = await Wrk.RunAsync(server.BaseAddress, script, file, offset, seconds);

            // Per turn from the bot's own counters once the turns still in flight when wrk stopped
            // have ended (wrk counts only the answers it read in time).
            var (storageAfter, turnsAfter) = await Metrics.SettledStorageAndTurnsAsync(server.ManagementAddress);
            if (peak.Repeats > 0)
            {
                throw new InvalidOperationException(
                    $"{name}: the run needed more than {messages.Length:N0} messages; pass a larger count."
                );
            }

            offset += peak.Requests;
            var open = await OpenLoop.RunAsync(
                server.BaseAddress,
                messages,
                (int)offset,
                peak.PerSecond * 0.8,
                TimeSpan.FromSeconds(seconds),
                expectReply: true
            );
            offset += open.Sent;
            var half = await OpenLoop.RunAsync(
                server.BaseAddress,
                messages,
                (int)offset,
                peak.PerSecond * 0.5,
                TimeSpan.FromSeconds(seconds),
                expectReply: true
            );
            if (
                open.Sent < (int)(peak.PerSecond * 0.8 * seconds) - 1
                || half.Sent < (int)(peak.PerSecond * 0.5 * seconds) - 1
            )
            {
                throw new InvalidOperationException(
                    $"{name}: the open-loop runs needed more than {messages.Length:N0} messages; pass a larger count."
                );
            }

            return new Row(name, peak, open, half, (storageAfter - storageBefore) / (turnsAfter - turnsBefore), sample);
        }

        private static async Task<string> PreflightAsync(ChildProcess server, WeChatRequest message, bool expectReply)
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            using var content = new StringContent(message.Body, Encoding.UTF8, "text/xml");
            using var response = await http.PostAsync(message.PathAndQuery, content);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"{server.BaseAddress} answered {(int)response.StatusCode}: {body}"
                );
            }

            if (!expectReply)
            {
                return "";
            }

            return WeChatMessages.OpenReply(body) is { } text
                ? text.ReplaceLineEndings(" ")
                : throw new InvalidOperationException($"{server.BaseAddress} gave no passive encrypted reply: {body}");
        }
    }
}
