using System.Text;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

/// <summary>
/// The local store under power cuts at random points of a concurrent workload (<see cref="PowerCutFiles"/>):
/// after every cut it opens, and holds every write it acknowledged, with its ETag.
/// </summary>
public sealed class PowerCutTests
{
    private const string Folder = "/power-cut/documents";
    private const int Writers = 4;
    private const int KeysPerWriter = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task AfterAPowerCut_AtAnyPoint_TheStoreOpens_AndHoldsEveryAcknowledgedWrite(int seed)
    {
        var random = new Random(seed);
        var disk = new PowerCutFiles();
        var known = new Dictionary<string, Expected>(StringComparer.Ordinal);
        // Generations: a workload, a cut at a random point, a reopen on what the disk kept, checked.
        for (var generation = 0; generation < 4; generation++)
        {
            var store = new LogDocumentStore(Folder, segmentLimit: 2048, compactAbove: 6144, files: disk);
            await CheckAsync(store, known, pending: []);
            var workload = new Workload(store, known, seed * 10 + generation);
            var running = workload.RunAsync();
            await workload.WaitForOperationsAsync(random.Next(20, 400));
            var (acknowledged, pending, after) = workload.CutPower(disk, random);
            await workload.StopAsync(running);
            store.Dispose();

            disk = after;
            using var reopened = new LogDocumentStore(Folder, segmentLimit: 2048, compactAbove: 6144, files: disk);
            known = await CheckAsync(reopened, acknowledged, pending);
            reopened.Dispose();
        }
    }

    [Fact]
    public async Task RelaxedDurability_AfterAPowerCut_StillOpens()
    {
        var random = new Random(7);
        var disk = new PowerCutFiles();
        for (var cut = 0; cut < 10; cut++)
        {
            using var store = new LogDocumentStore(
                Folder,
                segmentLimit: 2048,
                compactAbove: 6144,
                durability: LocalDurability.Written,
                files: disk
            );
            for (var i = 0; i < random.Next(10, 200); i++)
            {
                await store.TryWriteAsync($"r/{i % 9}", new byte[random.Next(1, 300)], WriteCondition.None, Ct);
            }

            disk = disk.CutPower(random);
        }

        using var last = new LogDocumentStore(Folder, files: disk);
        Assert.NotNull(await last.TryWriteAsync("r/after", new byte[] { 1 }, WriteCondition.None, Ct));
    }

    // Every key holds what its last acknowledged write left, or what the write in flight at the cut did.
    private static async Task<Dictionary<string, Expected>> CheckAsync(
        LogDocumentStore store,
        Dictionary<string, Expected> acknowledged,
        Dictionary<string, Expected> pending
    )
    {
        var found = new Dictionary<string, Expected>(StringComparer.Ordinal);
        var keys = acknowledged.Keys.Union(pending.Keys).ToList();
        foreach (var key in keys)
        {
            var document = await store.ReadAsync(key, Ct);
            var now = new Expected(
                document is null ? null : Encoding.UTF8.GetString(document.Content.Span),
                document?.ETag
            );
            var was = acknowledged.GetValueOrDefault(key, new Expected(null, null));
            var matches = now == was || pending.TryGetValue(key, out var inFlight) && now.Content == inFlight.Content;
            Assert.True(matches, $"{key}: found {now}, acknowledged {was}, in flight {pending.GetValueOrDefault(key)}");
            found[key] = now;
        }

        var listed = await store.ListKeysAsync("w", Ct).ToListAsync(Ct);
        Assert.Equal(
            found.Where(p => p.Value.Content is not null).Select(p => p.Key).Order(StringComparer.Ordinal),
            listed
        );
        return found;
    }

    private sealed record Expected(string? Content, string? ETag)
    {
        // The version and the ETag, not the filler.
        public override string ToString() => $"{Content?[..Math.Min(Content.Length, 16)] ?? "(none)"} {ETag}";
    }

    // Writers that each own their keys and write them with their conditions, recording what was acknowledged.
    private sealed class Workload(LogDocumentStore store, Dictionary<string, Expected> start, int seed)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Expected> _acknowledged = new(start, StringComparer.Ordinal);
        private readonly Dictionary<int, (string Key, Expected Result)> _inFlight = [];
        private volatile bool _stop;
        private int _operations;

        public Task RunAsync() =>
            Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w), Ct)));

        public async Task WaitForOperationsAsync(int count)
        {
            while (Volatile.Read(ref _operations) < count)
            {
                await Task.Yield();
            }
        }

        public (Dictionary<string, Expected>, Dictionary<string, Expected>, PowerCutFiles) CutPower(
            PowerCutFiles disk,
            Random random
        )
        {
            lock (_gate)
            {
                return (
                    new Dictionary<string, Expected>(_acknowledged, StringComparer.Ordinal),
                    _inFlight.Values.ToDictionary(p => p.Key, p => p.Result, StringComparer.Ordinal),
                    disk.CutPower(random)
                );
            }
        }

        public async Task StopAsync(Task running)
        {
            _stop = true;
            await running;
        }

        private async Task WriteAsync(int writer)
        {
            var random = new Random(seed * 31 + writer);
            var version = 0;
            while (!_stop)
            {
                var key = $"w{writer}/k{random.Next(KeysPerWriter)}";
                Expected current;
                lock (_gate)
                {
                    current = _acknowledged.GetValueOrDefault(key, new Expected(null, null));
                }

                var delete = current.Content is not null && random.Next(5) == 0;
                // Documents from a few bytes to a few KB, so records straddle blocks and segments.
                var content = delete ? null : $"{key} v{++version} {new string('x', random.Next(0, 3000))}";
                lock (_gate)
                {
                    _inFlight[writer] = (key, new Expected(content, null));
                }

                Expected result;
                if (delete)
                {
                    Assert.True(await store.DeleteAsync(key, CancellationToken.None));
                    result = new Expected(null, null);
                }
                else
                {
                    var etag = await store.TryWriteAsync(
                        key,
                        Encoding.UTF8.GetBytes(content!),
                        WriteCondition.Expect(current.ETag),
                        CancellationToken.None
                    );
                    Assert.NotNull(etag);
                    result = new Expected(content, etag);
                }

                lock (_gate)
                {
                    _acknowledged[key] = result;
                    _inFlight.Remove(writer);
                }

                Interlocked.Increment(ref _operations);
            }
        }
    }
}
