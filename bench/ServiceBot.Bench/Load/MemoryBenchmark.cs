using System.Globalization;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Bench.Load;

/// <summary>
/// The bot's resident memory with many customers on the local store: a store of N customers'
/// conversations (each a copy of one a real bot wrote after several turns) is opened by the bot,
/// which then answers turns of customers whose documents were written longest ago (out of the cache).
/// </summary>
internal static class MemoryBenchmark
{
    private const int Turns = 20_000;

    public static async Task<int> RunAsync(IReadOnlyList<int> counts)
    {
        var bot = LoadBenchmark.BotDll(LoadBenchmark.RepositoryRoot());
        var work = Directory.CreateTempSubdirectory("servicebot-memory-").FullName;
        try
        {
            var (key, template) = await TemplateAsync(bot, Path.Combine(work, "template"));
            Console.WriteLine(
                $"Each customer: one conversation of {template.Length:N0} B (a real one after 8 turns); the bot "
                    + $"opens the store, then answers {Turns:N0} turns of the customers written first."
            );
            Console.WriteLine(
                "| customers | store on disk, MiB | bot resident after start, MiB | after the turns, MiB |"
            );
            Console.WriteLine("|---:|---:|---:|---:|");
            foreach (var customers in counts)
            {
                var data = Path.Combine(work, customers.ToString(CultureInfo.InvariantCulture));
                var folder = Path.Combine(data, "documents");
                using (var store = new LogDocumentStore(folder, durability: LocalDurability.Written))
                {
                    for (var i = 0; i < customers; i++)
                    {
                        store.WriteUnsynced(
                            key.Replace(WeChatMessages.OpenId(0), WeChatMessages.OpenId(i), StringComparison.Ordinal),
                            template
                        );
                    }

                    store.Flush();
                }

                var onDisk = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
                await using (var turn = await StartBotAsync(bot, data))
                {
                    var started = turn.WorkingSet();
                    var messages = WeChatMessages.Build(customers, Turns, TimeProvider.System.GetUtcNow());
                    await ClosedLoop.SendAsync(turn.BaseAddress, messages, Wrk.Connections);
                    Console.WriteLine(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"| {customers:N0} | {onDisk / 1048576.0:N0} | {started / 1048576.0:N0} | "
                                + $"{turn.WorkingSet() / 1048576.0:N0} |"
                        )
                    );
                }

                Directory.Delete(data, recursive: true);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // A conversation as the bot keeps it, after eight turns of one customer.
    private static async Task<(string Key, byte[] Content)> TemplateAsync(string bot, string data)
    {
        await using (var turn = await StartBotAsync(bot, data))
        {
            await ClosedLoop.SendAsync(
                turn.BaseAddress,
                WeChatMessages.Build(1, 8, TimeProvider.System.GetUtcNow()),
                1
            );
        }

        using var store = new LogDocumentStore(Path.Combine(data, "documents"));
        var key = (await store.ListKeysAsync("conversations/", CancellationToken.None).ToListAsync()).Single();
        return (key, (await store.ReadAsync(key, CancellationToken.None))!.Content.ToArray());
    }

    private static Task<ChildProcess> StartBotAsync(string bot, string data) =>
        ChildProcess.StartAsync(
            "bot",
            "dotnet",
            [bot, "--urls", "http://127.0.0.1:{port}"],
            LoadBenchmark.BotEnvironment(data)
        );
}
