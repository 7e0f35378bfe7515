using ServiceBot.Services.Storage;

namespace ServiceBot.Tests.Storage;

public sealed class SqliteDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("servicebot-store-").FullName;
    private readonly SqliteDocumentStore _store;

    public SqliteDocumentStoreTests() => _store = new SqliteDocumentStore(Path.Combine(_folder, "servicebot.db"));

    protected override IDocumentStore Store => _store;

    [Fact]
    public async Task TwoStoresOnOneFile_SeeEachOther_AndClaimOnce()
    {
        // Two processes sharing the local store work through the same file.
        using var other = new SqliteDocumentStore(Path.Combine(_folder, "servicebot.db"));

        var mine = await _store.TryWriteAsync("shared/claim", "a"u8.ToArray(), WriteCondition.IfAbsent, Ct);
        var theirs = await other.TryWriteAsync("shared/claim", "b"u8.ToArray(), WriteCondition.IfAbsent, Ct);

        Assert.NotNull(mine);
        Assert.Null(theirs);
        Assert.Equal(mine, (await other.ReadAsync("shared/claim", Ct))!.ETag);
    }

    [Fact]
    public async Task Reopened_KeepsWhatWasAcknowledged()
    {
        await _store.TryWriteAsync("durable/doc", "kept"u8.ToArray(), WriteCondition.IfAbsent, Ct);

        using var reopened = new SqliteDocumentStore(Path.Combine(_folder, "servicebot.db"));

        Assert.Equal("kept"u8.ToArray(), (await reopened.ReadAsync("durable/doc", Ct))!.Content.ToArray());
    }

    [Fact]
    public async Task ManyWritersAtOnce_EachIsCommittedBeforeItIsAcknowledged()
    {
        // Writes that wait together commit in one transaction; another connection must see each one
        // the moment its writer is told it is stored.
        using var other = new SqliteDocumentStore(Path.Combine(_folder, "servicebot.db"));
        var missing = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct }, async (i, ct) =>
        {
            var etag = await _store.TryWriteAsync($"batch/{i}", BitConverter.GetBytes(i), WriteCondition.IfAbsent, ct);
            if ((await other.ReadAsync($"batch/{i}", ct))?.ETag != etag)
            {
                Interlocked.Increment(ref missing);
            }
        });

        Assert.Equal(0, missing);
        Assert.Equal(400, await _store.ListKeysAsync("batch/", Ct).CountAsync(Ct));
    }

    [Fact]
    public async Task AWriteWhoseCallerGaveUp_IsNotMade()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.TryWriteAsync("gave-up/doc", "x"u8.ToArray(), WriteCondition.None, cancelled.Token));

        Assert.Null(await _store.ReadAsync("gave-up/doc", Ct));
    }

    [Fact]
    public async Task ANewFile_Has16KiBPages_AndAnOlderFileKeepsItsOwn()
    {
        // A conversation of 1 to 2 KB fits in one 16 KiB leaf; with 4 KiB pages it spilled to overflow pages.
        var older = Path.Combine(_folder, "older.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={older}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size = 4096; CREATE TABLE kept (x); DROP TABLE kept;";
            command.ExecuteNonQuery();
        }

        using var reopened = new SqliteDocumentStore(older);
        await reopened.TryWriteAsync("older/doc", new byte[3000], WriteCondition.IfAbsent, Ct);

        Assert.Equal(16384, PageSize(Path.Combine(_folder, "servicebot.db")));
        Assert.Equal(4096, PageSize(older));
        Assert.Equal(3000, (await reopened.ReadAsync("older/doc", Ct))!.Content.Length);
    }

    private static long PageSize(string file)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
