using Microsoft.Data.Sqlite;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

/// <summary>
/// A folder an older build wrote (documents in servicebot.db) keeps every document after the upgrade.
/// </summary>
public sealed class SqliteImportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("servicebot-import-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOlderBuildsDocuments_AreImportedOnce_AndItsFileKeptAsABackup()
    {
        var database = Path.Combine(_folder, "servicebot.db");
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE documents (key TEXT NOT NULL PRIMARY KEY, etag TEXT NOT NULL, content BLOB NOT NULL)
                    WITHOUT ROWID;
                INSERT INTO documents VALUES
                    ('conversations/wechat/o1', 'e1', x'7b7d'), ('photos/p1', 'e2', zeroblob(40000));
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new LogDocumentStore(Path.Combine(_folder, "documents")))
        {
            Assert.Equal(2, SqliteImport.ImportIfPresent(database, store));
            Assert.Equal("{}"u8.ToArray(), (await store.ReadAsync("conversations/wechat/o1", Ct))!.Content.ToArray());
            Assert.Equal(40000, (await store.ReadAsync("photos/p1", Ct))!.Content.Length);
            await store.TryWriteAsync("conversations/wechat/o1", "{\"after\":1}"u8.ToArray(), WriteCondition.None, Ct);
        }

        Assert.False(File.Exists(database));
        Assert.True(File.Exists(database + ".imported"));
        using (var reopened = new LogDocumentStore(Path.Combine(_folder, "documents")))
        {
            Assert.Equal(0, SqliteImport.ImportIfPresent(database, reopened));
            Assert.Equal(
                "{\"after\":1}"u8.ToArray(),
                (await reopened.ReadAsync("conversations/wechat/o1", Ct))!.Content.ToArray()
            );
        }
    }

    [Fact]
    public void AFileThatIsNotAnOlderStore_StopsTheStart_WithAClearError()
    {
        var database = Path.Combine(_folder, "servicebot.db");
        File.WriteAllText(database, "not a database");
        using var store = new LogDocumentStore(Path.Combine(_folder, "documents"));

        var refused = Assert.Throws<StorageUnavailableException>(() => SqliteImport.ImportIfPresent(database, store));

        Assert.Contains("could not be imported", refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(database));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
