using System.Text;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Storage;

/// <summary>
/// Damage to the local store's files, one case at a time: each either opens with nothing acknowledged
/// lost, or refuses naming file and offset. None silently drops, rolls back or resurrects a document.
/// </summary>
public sealed class StoreDamageTests
{
    private const string Folder = "/damage/documents";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneBitFlipped_InAnyHeader_OrRecord_IsRefusedWhereItIs_OrCostsNothing()
    {
        var (files, documents) = await CleanStoreAsync();
        var flips = 0;
        foreach (var (path, bytes) in files.Where(f => LogFormat.ParseName(Path.GetFileName(f.Key)) is not null))
        {
            foreach (var (at, bit) in HeaderBits(bytes))
            {
                var damaged = bytes.ToArray();
                damaged[at] ^= (byte)(1 << bit);
                await OpensWholeOrRefusesAsync(PowerCutFiles.Of(Replace(files, path, damaged)), documents, path, at);
                flips++;
            }
        }

        Assert.True(flips > 500, $"{flips} flips");
    }

    [Fact]
    public async Task TheNewestFile_CutShorterAfterACleanClose_IsRefused()
    {
        var (files, documents) = await CleanStoreAsync();
        var newest = files.Keys.Where(p => p.EndsWith(".log", StringComparison.Ordinal)).Max(StringComparer.Ordinal)!;
        foreach (var cut in new[] { 1, 7, 20, 21, 100 })
        {
            var bytes = files[newest];
            var disk = PowerCutFiles.Of(Replace(files, newest, bytes[..^cut]));

            var refused = Assert.Throws<StoreDamagedException>(() => Open(disk));

            Assert.Equal((newest, (long)bytes.Length - cut), (refused.FilePath, refused.Offset));
        }

        await OpensWholeOrRefusesAsync(PowerCutFiles.Of(files), documents, null, 0);
    }

    [Fact]
    public async Task AnOlderFile_CutShort_IsRefused_NamingIt()
    {
        var (files, _) = await CleanStoreAsync();
        var older = files
            .Keys.Where(p => p.EndsWith(".log", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .First();
        foreach (var cut in new[] { 1, 20, LogFormat.RecordSize(LogFormat.Seal, 0, 8) })
        {
            var bytes = files[older];
            var refused = Assert.Throws<StoreDamagedException>(() =>
                Open(PowerCutFiles.Of(Replace(files, older, bytes[..^cut])))
            );

            Assert.Equal(older, refused.FilePath);
            Assert.InRange(refused.Offset, 0, bytes.Length - cut);
        }
    }

    [Fact]
    public async Task AMissingSegment_TheNewest_OrTheBase_IsRefused_NamingTheFileBesideIt()
    {
        var (files, _) = await CleanStoreAsync();
        var ordered = files
            .Keys.Where(p => LogFormat.ParseName(Path.GetFileName(p)) is not null)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.EndsWith(".base", ordered[0], StringComparison.Ordinal);
        Assert.True(ordered.Count >= 4, string.Join(", ", ordered));

        // The base: the first segment names it as the file before it.
        var refused = Assert.Throws<StoreDamagedException>(() => Open(PowerCutFiles.Of(Without(files, ordered[0]))));
        Assert.Equal((ordered[1], StoreDamage.MissingBefore), (refused.FilePath, refused.Damage));

        // A segment in the middle: the one before it names it in its seal.
        refused = Assert.Throws<StoreDamagedException>(() => Open(PowerCutFiles.Of(Without(files, ordered[2]))));
        Assert.Equal((ordered[1], StoreDamage.MissingAfter), (refused.FilePath, refused.Damage));
        var missing = LogFormat.ParseName(Path.GetFileName(ordered[2]))!.Value.Number;
        Assert.Contains($"file {missing}", refused.Why, StringComparison.Ordinal);

        // The newest: the clean close named it (and, after a crash, the one before it is sealed naming it).
        refused = Assert.Throws<StoreDamagedException>(() => Open(PowerCutFiles.Of(Without(files, ordered[^1]))));
        Assert.Equal((ordered[^1], StoreDamage.MissingAfter), (refused.FilePath, refused.Damage));
        refused = Assert.Throws<StoreDamagedException>(() =>
            Open(PowerCutFiles.Of(Without(Without(files, ordered[^1]), $"{Folder}/{LogFormat.ClosedFile}")))
        );
        Assert.Equal((ordered[^2], StoreDamage.MissingAfter), (refused.FilePath, refused.Damage));
    }

    [Fact]
    public async Task AFullDisk_ThenASmallerWrite_ThenARestart_LosesNothing_AndIsNotTakenForDamage()
    {
        var disk = new PowerCutFiles();
        var acknowledged = new Dictionary<string, (string Content, string ETag)>();
        using (var store = Open(disk))
        {
            disk.Capacity = 4096;
            var failedAt = -1;
            for (var i = 0; failedAt < 0; i++)
            {
                var content = $"doc {i} {new string('x', 900)}";
                try
                {
                    var etag = await store.TryWriteAsync(
                        $"full/{i}",
                        Encoding.UTF8.GetBytes(content),
                        WriteCondition.None,
                        Ct
                    );
                    acknowledged[$"full/{i}"] = (content, etag!);
                }
                catch (StorageUnavailableException)
                {
                    failedAt = i;
                }
            }

            // Full to the last byte: unready while writes fail.
            disk.Capacity = disk.UsedBytes;
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CheckReachableAsync(Ct));

            // Room for a smaller write, which lands after the last whole record.
            disk.Capacity = disk.UsedBytes + 300;
            var small = await store.TryWriteAsync("full/small", "small"u8.ToArray(), WriteCondition.None, Ct);
            acknowledged["full/small"] = ("small", small!);
            await store.CheckReachableAsync(Ct);
            disk.Capacity = null;
            Assert.True(failedAt > 1);
        }

        foreach (var restarted in new[] { disk, disk.CutPower(new Random(3)) })
        {
            using var reopened = Open(restarted);
            foreach (var (key, (content, etag)) in acknowledged)
            {
                var document = await reopened.ReadAsync(key, Ct);
                Assert.Equal((content, etag), (Encoding.UTF8.GetString(document!.Content.Span), document.ETag));
            }
        }
    }

    [Fact]
    public async Task AFailedCompaction_IsLoggedAndCounted_AndChangesNothing()
    {
        var disk = new PowerCutFiles { FailWrites = path => path.EndsWith(".tmp", StringComparison.Ordinal) };
        using var logs = new CapturingLoggerProvider();
        var etags = new Dictionary<string, string>();
        using (var store = new LogDocumentStore(Folder, 2048, 4096, logger: logs.CreateLogger("store"), files: disk))
        {
            for (var i = 0; i < 60; i++)
            {
                etags[$"c/{i % 5}"] = (
                    await store.TryWriteAsync($"c/{i % 5}", new byte[400], WriteCondition.None, Ct)
                )!;
            }

            store.WaitForCompaction();
        }

        Assert.Contains(logs.Lines, l => l.Contains("compaction failed", StringComparison.Ordinal));
        using var reopened = Open(disk);
        foreach (var (key, etag) in etags)
        {
            Assert.Equal(etag, (await reopened.ReadAsync(key, Ct))!.ETag);
        }
    }

    private static LogDocumentStore Open(PowerCutFiles disk) => new(Folder, 2048, 6144, files: disk);

    // A store of several segments and a base, closed cleanly, and what it acknowledged.
    private static async Task<(
        Dictionary<string, byte[]> Files,
        Dictionary<string, (string, string)> Documents
    )> CleanStoreAsync()
    {
        var disk = new PowerCutFiles();
        var documents = new Dictionary<string, (string, string)>();
        var random = new Random(5);
        // Compacted once, then written on without compacting: a base and several segments after it.
        for (var phase = 0; phase < 2; phase++)
        {
            using var store = new LogDocumentStore(Folder, 2048, phase == 0 ? 6144 : long.MaxValue, files: disk);
            for (var i = 0; i < 80; i++)
            {
                var key = $"d/{random.Next(12)}";
                if (documents.ContainsKey(key) && random.Next(6) == 0)
                {
                    await store.DeleteAsync(key, Ct);
                    documents.Remove(key);
                    continue;
                }

                var content = $"{key} {i} {new string('y', random.Next(0, 600))}";
                documents[key] = (
                    content,
                    (await store.TryWriteAsync(key, Encoding.UTF8.GetBytes(content), WriteCondition.None, Ct))!
                );
            }

            store.WaitForCompaction();
        }

        return (disk.Snapshot(), documents);
    }

    // Every bit of the file header, and of each record header one bit a byte (turn by turn).
    private static IEnumerable<(int At, int Bit)> HeaderBits(byte[] bytes)
    {
        for (var at = 0; at < LogFormat.FileHeader; at++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                yield return (at, bit);
            }
        }

        for (var at = LogFormat.FileHeader; at + LogFormat.RecordHeader <= bytes.Length; )
        {
            var length = LogFormat.RecordHeader + BitConverter.ToInt32(bytes, at);
            for (var i = 0; i < LogFormat.RecordHeader; i++)
            {
                yield return (at + i, (at + i) % 8);
            }

            // And one in the body.
            yield return (at + length - 1, at % 8);
            at += length;
        }
    }

    private static async Task OpensWholeOrRefusesAsync(
        PowerCutFiles disk,
        Dictionary<string, (string Content, string ETag)> documents,
        string? damagedFile,
        int damagedAt
    )
    {
        LogDocumentStore store;
        try
        {
            store = Open(disk);
        }
        catch (StoreDamagedException refused)
        {
            Assert.True(
                refused.FilePath == damagedFile && refused.Offset <= damagedAt,
                $"flipped {damagedFile}@{damagedAt}, refused {refused.FilePath}@{refused.Offset}: {refused.Why}"
            );
            return;
        }

        using (store)
        {
            Assert.Equal(
                documents.Keys.Order(StringComparer.Ordinal),
                await store.ListKeysAsync("", Ct).ToListAsync(Ct)
            );
            foreach (var (key, (content, etag)) in documents)
            {
                var document = await store.ReadAsync(key, Ct);
                Assert.Equal((content, etag), (Encoding.UTF8.GetString(document!.Content.Span), document.ETag));
            }
        }
    }

    private static Dictionary<string, byte[]> Replace(Dictionary<string, byte[]> files, string path, byte[] bytes) =>
        new(files, StringComparer.Ordinal) { [path] = bytes };

    private static Dictionary<string, byte[]> Without(Dictionary<string, byte[]> files, string path)
    {
        var copy = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        copy.Remove(path);
        return copy;
    }
}
