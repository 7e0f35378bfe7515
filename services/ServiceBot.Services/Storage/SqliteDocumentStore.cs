using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace ServiceBot.Services.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. A write is acknowledged once SQLite has
/// committed it to the WAL through the operating system, so a killed process loses nothing it
/// acknowledged (synchronous=NORMAL skips the fsync, so a power cut may lose the last commits).
/// Measured against a file per document it avoids the inode-creation and rename wall on ext4;
/// see bench/README.md.
/// </summary>
internal sealed class SqliteDocumentStore : IDocumentStore, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS documents (
            key TEXT NOT NULL PRIMARY KEY,
            etag TEXT NOT NULL,
            content BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    // SQLite has one writer at a time; one long-lived writer connection behind a gate keeps
    // its statements prepared and avoids SQLITE_BUSY churn between threads of this process.
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDocumentStore(string databasePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        _writer = Open();
        using var command = _writer.CreateCommand();
        // NORMAL in WAL mode: a commit reaches the WAL (survives a process kill) without an fsync.
        command.CommandText = Schema + "PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
    }

    public async Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        try
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT etag, content FROM documents WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new StoredDocument((byte[])reader.GetValue(1), reader.GetString(0));
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Reading '{key}' from the local store failed.", e);
        }
    }

    public async Task<string?> TryWriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        var etag = NewETag();
        var sql = condition.Kind switch
        {
            WriteConditionKind.IfAbsent =>
                "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) ON CONFLICT (key) DO NOTHING",
            WriteConditionKind.IfMatch =>
                "UPDATE documents SET etag = $etag, content = $content WHERE key = $key AND etag = $expected",
            _ =>
                "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) "
                + "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, content = excluded.content",
        };

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$etag", etag);
            command.Parameters.Add("$content", SqliteType.Blob).Value = content.ToArray();
            if (condition.Kind == WriteConditionKind.IfMatch)
            {
                command.Parameters.AddWithValue("$expected", condition.ETag);
            }

            return command.ExecuteNonQuery() == 1 ? etag : null;
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Writing '{key}' to the local store failed.", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "DELETE FROM documents WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteNonQuery() == 1;
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Deleting '{key}' from the local store failed.", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async IAsyncEnumerable<string> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // Range scan on the primary key instead of LIKE, which would treat '_' as a wildcard.
        command.CommandText = "SELECT key FROM documents WHERE key >= $from AND key < $to ORDER BY key";
        command.Parameters.AddWithValue("$from", prefix);
        command.Parameters.AddWithValue("$to", prefix + '\uffff');
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0);
        }
    }

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM documents WHERE key = ''";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException("The local store cannot be opened.", e);
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _writeGate.Dispose();
    }

    // DefaultTimeout doubles as SQLite's busy timeout, so another process's write lock is waited out.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string NewETag() => RandomNumberGenerator.GetHexString(16, lowercase: true);
}
