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

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
