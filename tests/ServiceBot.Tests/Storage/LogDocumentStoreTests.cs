using System.Globalization;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

public sealed class LogDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("servicebot-log-").FullName;
    private LogDocumentStore _store;

    public LogDocumentStoreTests() => _store = new LogDocumentStore(_folder);

    protected override IDocumentStore Store => _store;

    [Fact]
    public async Task Reopened_KeepsWhatWasAcknowledged_AndForgetsWhatWasDeleted()
    {
        var etag = await _store.TryWriteAsync("durable/doc", "kept"u8.ToArray(), WriteCondition.IfAbsent, Ct);
        await _store.TryWriteAsync("durable/gone", "x"u8.ToArray(), WriteCondition.None, Ct);
        await _store.DeleteAsync("durable/gone", Ct);
        await _store.TryWriteAsync("durable/photo", Large(1), WriteCondition.None, Ct);

        Reopen();

        var kept = await _store.ReadAsync("durable/doc", Ct);
        Assert.Equal("kept"u8.ToArray(), kept!.Content.ToArray());
        Assert.Equal(etag, kept.ETag);
        Assert.Null(await _store.ReadAsync("durable/gone", Ct));
        Assert.Equal(Large(1), (await _store.ReadAsync("durable/photo", Ct))!.Content.ToArray());
        Assert.NotNull(
            await _store.TryWriteAsync("durable/doc", "next"u8.ToArray(), WriteCondition.IfMatch(etag!), Ct)
        );
    }

    [Fact]
    public async Task Listings_ByPrefix_FollowWritesAndDeletes_BeforeAndAfterAReopen()
    {
        foreach (var key in new[] { "orders/o2/b", "orders/o1/a", "orders/o1/c", "orders/o10/a", "ordersx/o1" })
        {
            await _store.TryWriteAsync(key, "x"u8.ToArray(), WriteCondition.None, Ct);
        }

        await _store.TryWriteAsync("orders/o1/a", "again"u8.ToArray(), WriteCondition.None, Ct);
        await _store.DeleteAsync("orders/o1/c", Ct);
        Assert.Equal(["orders/o1/a", "orders/o10/a"], await _store.ListKeysAsync("orders/o1", Ct).ToListAsync(Ct));

        Reopen();
        await _store.TryWriteAsync("orders/o1/d", "x"u8.ToArray(), WriteCondition.IfAbsent, Ct);
        await _store.DeleteAsync("orders/o2/b", Ct);

        Assert.Equal(
            ["orders/o1/a", "orders/o1/d", "orders/o10/a"],
            await _store.ListKeysAsync("orders/", Ct).ToListAsync(Ct)
        );
        Assert.Equal(
            ["orders/o1/a", "orders/o1/d", "orders/o10/a", "ordersx/o1"],
            await _store.ListKeysAsync("", Ct).ToListAsync(Ct)
        );
    }

    [Fact]
    public void ASecondStoreOnTheSameFolder_IsRefusedClearly()
    {
        var refused = Assert.Throws<StorageUnavailableException>(() => new LogDocumentStore(_folder));
        Assert.Contains("in use", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteCutShortByACrash_IsDropped_AndTheStoreGoesOn()
    {
        await _store.TryWriteAsync("torn/first", "whole"u8.ToArray(), WriteCondition.None, Ct);
        await _store.TryWriteAsync("torn/second", "cut short"u8.ToArray(), WriteCondition.None, Ct);
        _store.Dispose();
        // As a crash leaves it: the second record cut short, and no mark of a clean close after it.
        File.Delete(Path.Combine(_folder, LogFormat.ClosedFile));
        var segment = Directory.GetFiles(_folder, "*.log").Single();
        long cutAt;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - LogFormat.RecordSize(LogFormat.Mark, 0, 0) - 3);
            cutAt = file.Length - LogFormat.PutSize("torn/second".Length, "cut short".Length) + 3;
        }

        _store = new LogDocumentStore(_folder);

        Assert.Equal("whole"u8.ToArray(), (await _store.ReadAsync("torn/first", Ct))!.Content.ToArray());
        Assert.Null(await _store.ReadAsync("torn/second", Ct));
        var aside = Assert.Single(Directory.GetFiles(Path.Combine(_folder, "cut")));
        Assert.EndsWith($"00000001.log.at-{cutAt}", aside, StringComparison.Ordinal);
        Assert.Equal(LogFormat.PutSize("torn/second".Length, "cut short".Length) - 3, new FileInfo(aside).Length);
        await _store.TryWriteAsync("torn/third", "after"u8.ToArray(), WriteCondition.IfAbsent, Ct);
        Reopen();
        Assert.Equal("after"u8.ToArray(), (await _store.ReadAsync("torn/third", Ct))!.Content.ToArray());
        Assert.Equal("whole"u8.ToArray(), (await _store.ReadAsync("torn/first", Ct))!.Content.ToArray());
    }

    [Fact]
    public async Task DamageBeforeTheLastWrite_RefusesToOpen_InsteadOfLosingDocuments()
    {
        _store.Dispose();
        _store = new LogDocumentStore(_folder, segmentLimit: 64);
        await _store.TryWriteAsync("damaged/a", new byte[100], WriteCondition.None, Ct);
        await _store.TryWriteAsync("damaged/b", new byte[100], WriteCondition.None, Ct);
        _store.Dispose();
        var first = Directory.GetFiles(_folder, "*.log").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(first);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(first, bytes);

        var refused = Assert.Throws<StoreDamagedException>(() => new LogDocumentStore(_folder));

        Assert.Equal(first, refused.FilePath);
        Assert.Contains($"damaged at byte {refused.Offset}", refused.Message, StringComparison.Ordinal);
        _store = new LogDocumentStore(Directory.CreateTempSubdirectory("servicebot-log-").FullName);
    }

    [Fact]
    public async Task DamageInTheMiddleOfTheNewestSegment_RefusesToOpen_InsteadOfCuttingTheWritesAfterIt()
    {
        await _store.TryWriteAsync("damaged/a", new byte[100], WriteCondition.None, Ct);
        await _store.TryWriteAsync("damaged/b", new byte[100], WriteCondition.None, Ct);
        _store.Dispose();
        var segment = Directory.GetFiles(_folder, "*.log").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[50] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        var refused = Assert.Throws<StoreDamagedException>(() => new LogDocumentStore(_folder));
        Assert.Equal((segment, (long)LogFormat.FileHeader), (refused.FilePath, refused.Offset));

        _store = new LogDocumentStore(Directory.CreateTempSubdirectory("servicebot-log-").FullName);
    }

    [Fact]
    public async Task ALargeDocumentDamagedOnTheDisk_IsRefusedWhenRead_NamingFileAndOffset()
    {
        await _store.TryWriteAsync("large/photo", Large(5), WriteCondition.None, Ct);
        var segment = Directory.GetFiles(_folder, "*.log").Single();
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            var inside = LogFormat.FileHeader + LogFormat.PutSize("large/photo".Length, Large(5).Length) - 100;
            file.Position = inside;
            var bit = file.ReadByte();
            file.Position = inside;
            file.WriteByte((byte)(bit ^ 0x08));
        }

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => _store.ReadAsync("large/photo", Ct));

        Assert.Contains(
            $"'{segment}' is damaged at byte {LogFormat.FileHeader}",
            refused.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task ZeroedBlocksAfterTheLastWrite_AreCut_AsAPowerCutLeavesThem()
    {
        await _store.TryWriteAsync("zeroed/a", "kept"u8.ToArray(), WriteCondition.None, Ct);
        _store.Dispose();
        var segment = Directory.GetFiles(_folder, "*.log").Single();
        var length = new FileInfo(segment).Length;
        File.AppendAllText(segment, new string('\0', 4096));

        _store = new LogDocumentStore(_folder);

        Assert.Equal("kept"u8.ToArray(), (await _store.ReadAsync("zeroed/a", Ct))!.Content.ToArray());
        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.False(Directory.Exists(Path.Combine(_folder, "cut")), "zeros hold nothing to copy aside");
    }

    [Fact]
    public async Task TheNewestFile_IsWrittenOverZerosAhead_WhichACleanCloseTrims()
    {
        await _store.TryWriteAsync("ahead/a", "one"u8.ToArray(), WriteCondition.None, Ct);
        var segment = Directory.GetFiles(_folder, "*.log").Single();
        var written = LogFormat.FileHeader + LogFormat.PutSize("ahead/a".Length, 3);
        Assert.True(new FileInfo(segment).Length > written, "a sync then changes no file size");

        _store.Dispose();
        var closed = new FileInfo(segment).Length;
        _store = new LogDocumentStore(_folder);
        await _store.TryWriteAsync("ahead/b", "two"u8.ToArray(), WriteCondition.None, Ct);

        Assert.True(closed < written + 100, $"{closed} bytes after a clean close of {written} written");
        Assert.Equal("one"u8.ToArray(), (await _store.ReadAsync("ahead/a", Ct))!.Content.ToArray());
        Assert.Equal("two"u8.ToArray(), (await _store.ReadAsync("ahead/b", Ct))!.Content.ToArray());
    }

    [Fact]
    public async Task Compaction_KeepsEveryCurrentDocument_FreesTheRest_AndSurvivesAReopen()
    {
        ReopenCompactingSmall();
        var etags = new Dictionary<string, string>();
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                etags[$"c/{i}"] = (
                    await _store.TryWriteAsync(
                        $"c/{i}",
                        BitConverter.GetBytes(round * 100 + i),
                        WriteCondition.None,
                        Ct
                    )
                )!;
            }

            await _store.TryWriteAsync($"c/deleted-{round}", new byte[500], WriteCondition.None, Ct);
            await _store.DeleteAsync($"c/deleted-{round}", Ct);
        }

        etags["c/photo"] = (await _store.TryWriteAsync("c/photo", Large(7), WriteCondition.None, Ct))!;
        await FillUntilCompactedAsync("c/filler");
        var (live, files) = _store.Size;
        Assert.True(files < 3 * live + 16 * 1024, $"{files} bytes of files for {live} live");
        Assert.Single(Directory.GetFiles(_folder, "*.base"));

        foreach (var reopened in new[] { false, true })
        {
            if (reopened)
            {
                Reopen();
            }

            for (var i = 0; i < 20; i++)
            {
                var document = await _store.ReadAsync($"c/{i}", Ct);
                Assert.Equal(1900 + i, BitConverter.ToInt32(document!.Content.Span));
                Assert.Equal(etags[$"c/{i}"], document.ETag);
            }

            Assert.Equal(Large(7), (await _store.ReadAsync("c/photo", Ct))!.Content.ToArray());
            Assert.Empty(await _store.ListKeysAsync("c/deleted", Ct).ToListAsync(Ct));
        }
    }

    [Fact]
    public async Task ACompactionAfterAReopen_CopiesWhatTheReplayRead_ByteForByte()
    {
        ReopenCompactingSmall();
        var etags = new Dictionary<string, string>();
        for (var i = 0; i < 20; i++)
        {
            etags[$"r/{i}"] = (
                await _store.TryWriteAsync($"r/{i}", BitConverter.GetBytes(i), WriteCondition.None, Ct)
            )!;
        }

        etags["r/photo"] = (await _store.TryWriteAsync("r/photo", Large(3), WriteCondition.None, Ct))!;
        ReopenCompactingSmall();
        await FillUntilCompactedAsync("r/filler");
        Assert.Single(Directory.GetFiles(_folder, "*.base"));
        Reopen();

        for (var i = 0; i < 20; i++)
        {
            var document = await _store.ReadAsync($"r/{i}", Ct);
            Assert.Equal(i, BitConverter.ToInt32(document!.Content.Span));
            Assert.Equal(etags[$"r/{i}"], document.ETag);
        }

        Assert.Equal(Large(3), (await _store.ReadAsync("r/photo", Ct))!.Content.ToArray());
        Assert.Equal(etags["r/photo"], (await _store.ReadAsync("r/photo", Ct))!.ETag);
    }

    [Fact]
    public async Task ACompactionCutOffByACrash_LeavesEverything_WhicheverStepItReached()
    {
        await _store.TryWriteAsync("crash/a", "a"u8.ToArray(), WriteCondition.None, Ct);
        _store.Dispose();

        // Before the rename: a half-written output is thrown away, the segment still counts.
        File.WriteAllBytes(Path.Combine(_folder, "00000001.base.tmp"), [1, 2, 3]);
        _store = new LogDocumentStore(_folder);
        Assert.Equal("a"u8.ToArray(), (await _store.ReadAsync("crash/a", Ct))!.Content.ToArray());
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        // After the rename, before the old segments were deleted: the base stands for them.
        ReopenCompactingSmall();
        await FillUntilCompactedAsync("crash/filler");
        var before = Directory.GetFiles(_folder, "*.log").ToDictionary(p => p, File.ReadAllBytes);
        await FillUntilCompactedAsync("crash/filler");
        _store.Dispose();
        var based = LogFormat.ParseName(Path.GetFileName(Directory.GetFiles(_folder, "*.base").Single()))!.Value.Number;
        var superseded = before
            .Keys.Where(p => LogFormat.ParseName(Path.GetFileName(p))!.Value.Number <= based)
            .ToList();
        Assert.NotEmpty(superseded);
        foreach (var path in superseded)
        {
            File.WriteAllBytes(path, [.. before[path], .. "not a record: superseded, never read"u8.ToArray()]);
        }

        _store = new LogDocumentStore(_folder);
        Assert.Equal("a"u8.ToArray(), (await _store.ReadAsync("crash/a", Ct))!.Content.ToArray());
        Assert.All(superseded, path => Assert.False(File.Exists(path)));
    }

    [Fact]
    public async Task MemoryFollowsTheLiveDocuments_NotEveryWrite_AndEveryDocumentReadsTheSame_AsSlabsAreUsedAgain()
    {
        // Four slabs and more of 1 KB documents; then seven in eight are deleted, which leaves each
        // full slab an eighth live: those eighths are moved together and the slabs emptied.
        ReopenCompactingSmall();
        var etags = new Dictionary<string, string>();
        var versions = new Dictionary<string, int>();
        var count = 4 * RecordSlabs.SlabSize / 1024;
        for (var i = 0; i < count; i++)
        {
            await WriteAsync($"m/{i}", i);
        }

        for (var i = 0; i < count; i++)
        {
            if (i % 8 != 0)
            {
                await _store.DeleteAsync($"m/{i}", Ct);
                versions.Remove($"m/{i}");
            }
        }

        Assert.True(
            _store.HeldBytes <= 2L * RecordSlabs.SlabSize,
            $"{_store.HeldBytes} bytes held for {_store.Size.Live} live"
        );

        // Rounds of overwrites and new documents write the emptied slabs again; what a reader was given stays as it
        // was.
        var given = await _store.ReadAsync("m/0", Ct);
        for (var round = 1; round <= 3; round++)
        {
            foreach (var key in versions.Keys.ToList())
            {
                await WriteAsync(key, round * count + int.Parse(key[2..], CultureInfo.InvariantCulture));
            }

            for (var i = 0; i < count / 2; i++)
            {
                await WriteAsync($"n/{i}", -round * count - i);
            }
        }

        Assert.Equal(Kilobyte(0), given!.Content.ToArray());
        Assert.True(
            _store.HeldBytes <= 2 * _store.Size.Live + RecordSlabs.SlabSize,
            $"{_store.HeldBytes} bytes held for {_store.Size.Live} live"
        );
        await FillUntilCompactedAsync("m/filler");

        foreach (var reopened in new[] { false, true })
        {
            if (reopened)
            {
                Reopen();
                Assert.True(
                    _store.HeldBytes <= 2 * _store.Size.Live + RecordSlabs.SlabSize,
                    $"{_store.HeldBytes} bytes held for {_store.Size.Live} live after a reopen"
                );
            }

            for (var i = 0; i < count; i++)
            {
                Assert.Equal(versions.ContainsKey($"m/{i}"), await _store.ReadAsync($"m/{i}", Ct) is not null);
            }

            foreach (var (key, version) in versions)
            {
                var document = await _store.ReadAsync(key, Ct);
                Assert.Equal(Kilobyte(version), document!.Content.ToArray());
                Assert.Equal(etags[key], document.ETag);
            }
        }

        async Task WriteAsync(string key, int version)
        {
            etags[key] = (await _store.TryWriteAsync(key, Kilobyte(version), WriteCondition.None, Ct))!;
            versions[key] = version;
        }

        static byte[] Kilobyte(int seed)
        {
            var bytes = new byte[1000];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }
    }

    [Fact]
    public async Task MemoryStaysWithinTheCache_AsDocumentsGrow_AndEveryDocumentStillReads()
    {
        _store.Dispose();
        const long Cache = 2L * RecordSlabs.SlabSize;
        // Written three times over, so that compactions copy documents held and let go alike.
        _store = new LogDocumentStore(
            _folder,
            segmentLimit: 512 * 1024,
            compactAbove: 4L * 1024 * 1024,
            durability: LocalDurability.Written,
            cacheBytes: Cache
        );
        var etags = new Dictionary<string, string>();
        for (var i = 0; i < 3 * 8000; i++)
        {
            var key = $"many/{i % 8000}";
            etags[key] = (await _store.TryWriteAsync(key, Kilobyte(i % 8000), WriteCondition.None, Ct))!;
        }

        _store.WaitForCompaction();
        Assert.NotEmpty(Directory.GetFiles(_folder, "*.base"));

        Assert.True(_store.HeldBytes <= Cache + RecordSlabs.SlabSize, $"{_store.HeldBytes} bytes held");
        foreach (var reopened in new[] { false, true })
        {
            if (reopened)
            {
                _store.Dispose();
                _store = new LogDocumentStore(_folder, cacheBytes: Cache);
            }

            for (var i = 0; i < 8000; i += 7)
            {
                var document = await _store.ReadAsync($"many/{i}", Ct);
                Assert.Equal(Kilobyte(i), document!.Content.ToArray());
                Assert.Equal(etags[$"many/{i}"], document.ETag);
            }

            Assert.True(_store.HeldBytes <= Cache + RecordSlabs.SlabSize, $"{_store.HeldBytes} bytes held");
        }

        // An old document read again is held again, and an update to it keeps its new ETag.
        var updated = await _store.TryWriteAsync(
            "many/1",
            "new"u8.ToArray(),
            WriteCondition.IfMatch(etags["many/1"]),
            Ct
        );
        Assert.Equal(updated, (await _store.ReadAsync("many/1", Ct))!.ETag);

        static byte[] Kilobyte(int seed)
        {
            var bytes = new byte[1000];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }
    }

    private static byte[] Large(int seed)
    {
        var bytes = new byte[LogDocumentStore.InMemoryLimit * 3];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // Small segments that compact after a few tens of KB.
    private void ReopenCompactingSmall()
    {
        _store.Dispose();
        _store = new LogDocumentStore(_folder, segmentLimit: 16 * 1024, compactAbove: 32 * 1024);
    }

    // Overwrites one document until the closed segments call for a compaction, and waits for it.
    private async Task FillUntilCompactedAsync(string key)
    {
        for (var i = 0; i < 40; i++)
        {
            await _store.TryWriteAsync(key, new byte[2000], WriteCondition.None, Ct);
        }

        _store.WaitForCompaction();
    }

    private void Reopen()
    {
        _store.Dispose();
        _store = new LogDocumentStore(_folder);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
