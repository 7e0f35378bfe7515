using System.Text;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

/// <summary><c>store verify|repair|backup|restore</c> on real files.</summary>
public sealed class StoreToolsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("servicebot-tools-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Folder => Path.Combine(_root, "documents");

    [Fact]
    public async Task Verify_SaysAWholeStoreIsWhole_AndNamesDamage_WithoutChangingAByte()
    {
        var etags = await FillAsync(Folder, 60);
        Assert.Null(StoreTools.Verify(Folder).Damage);
        Assert.Equal(etags.Count, StoreTools.Verify(Folder).Documents);

        var first = Segments(Folder)[0];
        var bytes = File.ReadAllBytes(first);
        bytes[LogFormat.FileHeader + 5] ^= 0x10;
        File.WriteAllBytes(first, bytes);
        var before = Directory.GetFiles(Folder).ToDictionary(p => p, File.ReadAllBytes);

        var (damage, _, _) = StoreTools.Verify(Folder);

        Assert.Equal((first, (long)LogFormat.FileHeader), (damage!.FilePath, damage.Offset));
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public async Task Repair_CutsAtTheDamage_KeepsTheOriginalAside_AndTheStoreOpensWithEverythingElse()
    {
        var etags = await FillAsync(Folder, 60);
        var segments = Segments(Folder);
        var damaged = segments[1];
        var bytes = File.ReadAllBytes(damaged);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(damaged, bytes);
        Assert.NotNull(StoreTools.Verify(Folder).Damage);

        var (actions, original) = StoreTools.Repair(Folder, TimeProvider.System);

        Assert.Contains(actions, a =>
            a.StartsWith("cut ", StringComparison.Ordinal) && a.Contains(damaged, StringComparison.Ordinal)
        );
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(original, Path.GetFileName(damaged))));
        using var store = new LogDocumentStore(Folder);
        // What the files after the damaged one hold is all there; only the damaged file's tail is lost.
        var kept = 0;
        foreach (var (key, etag) in etags)
        {
            if (await store.ReadAsync(key, Ct) is { } document)
            {
                Assert.Equal(etag, document.ETag);
                kept++;
            }
        }

        Assert.InRange(kept, etags.Count - 4, etags.Count);
    }

    [Fact]
    public async Task Backup_OfARunningStore_HoldsEverythingAcknowledgedBeforeIt_AndRestorePutsItBack()
    {
        var etags = new Dictionary<string, string>();
        var backup = Path.Combine(_root, "backup");
        using (var store = new LogDocumentStore(Folder, segmentLimit: 4096, compactAbove: 16384))
        {
            for (var i = 0; i < 200; i++)
            {
                etags[$"b/{i % 40}"] = (await store.TryWriteAsync($"b/{i % 40}", Content(i), WriteCondition.None, Ct))!;
            }

            // Writes go on while the copy is made.
            using var stop = new CancellationTokenSource();
            var writing = Task.Run(
                async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        await store.TryWriteAsync($"later/{i % 50}", Content(i), WriteCondition.None, Ct);
                    }
                },
                Ct
            );
            Assert.True(StoreTools.Backup(Folder, backup) >= 40);
            await stop.CancelAsync();
            await writing;
            await store.TryWriteAsync("after/backup", new byte[] { 1 }, WriteCondition.None, Ct);
        }

        var aside = StoreTools.Restore(backup, Folder, TimeProvider.System);

        Assert.True(File.Exists(Path.Combine(aside, "CLOSED")));
        using var restored = new LogDocumentStore(Folder);
        foreach (var (key, etag) in etags)
        {
            Assert.Equal(etag, (await restored.ReadAsync(key, Ct))!.ETag);
        }

        Assert.Null(await restored.ReadAsync("after/backup", Ct));
    }

    [Fact]
    public async Task Restore_WhileTheBotRuns_IsRefused()
    {
        await FillAsync(Path.Combine(_root, "backup"), 5);
        using var running = new LogDocumentStore(Folder);

        Assert.ThrowsAny<IOException>(() =>
            StoreTools.Restore(Path.Combine(_root, "backup"), Folder, TimeProvider.System)
        );
    }

    private static async Task<Dictionary<string, string>> FillAsync(string folder, int count)
    {
        var etags = new Dictionary<string, string>();
        using var store = new LogDocumentStore(folder, segmentLimit: 2048, compactAbove: long.MaxValue);
        for (var i = 0; i < count; i++)
        {
            etags[$"t/{i}"] = (await store.TryWriteAsync($"t/{i}", Content(i), WriteCondition.None, Ct))!;
        }

        return etags;
    }

    private static byte[] Content(int i) => Encoding.UTF8.GetBytes($"document {i} {new string('z', 200)}");

    private static List<string> Segments(string folder) =>
        [.. Directory.GetFiles(folder, "*.log").Order(StringComparer.Ordinal)];

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
