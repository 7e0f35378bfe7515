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
    private const string Store = "local";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS documents (
            key TEXT NOT NULL PRIMARY KEY,
            etag TEXT NOT NULL,
            content BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    // One long-lived connection behind a gate does every read and write of this process. SQLite
    // has one writer at a time anyway, and a connection that is the only writer keeps its page
    // cache across transactions, so a read is a few microseconds in memory; pooled connections
    // each had to re-read their pages from the file after every write (~18 pread calls a turn).
    // Key listings, which can be long, use pooled connections of their own.
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Prepared once on that connection and reused under the gate: SQLite parsed and planned
    // each statement on every call before.
    private readonly Statements _statements;

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

        _connection = Open();
        using var command = _connection.CreateCommand();
        // NORMAL in WAL mode: a commit reaches the WAL (survives a process kill) without an fsync.
        // The file is read through a memory map (no system call a page) and 64 MiB of pages stay cached.
        command.CommandText = Schema + "PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;";
        command.ExecuteNonQuery();
        _statements = new Statements(_connection);
    }

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken) =>
        Locked([key], "read", () => ReadRow(key), cancellationToken);

    // One turn at the connection for all of them: the gate's hand-over, not SQLite, was most of a read's cost.
    public Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        Locked(keys, "read", () => (IReadOnlyList<StoredDocument?>)[.. keys.Select(ReadRow)], cancellationToken);

    public Task<string?> TryWriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken) =>
        Locked([key], "write", () =>
        {
            var etag = NewETag();
            var command = condition.Kind switch
            {
                WriteConditionKind.IfAbsent => _statements.Insert,
                WriteConditionKind.IfMatch => _statements.Update,
                _ => _statements.Upsert,
            };
            command.Parameters["$key"].Value = key;
            command.Parameters["$etag"].Value = etag;
            command.Parameters["$content"].Value = content.ToArray();
            if (condition.Kind == WriteConditionKind.IfMatch)
            {
                command.Parameters["$expected"].Value = condition.ETag;
            }

            return command.ExecuteNonQuery() == 1 ? etag : null;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        Locked([key], "delete", () =>
        {
            var command = _statements.Delete;
            command.Parameters["$key"].Value = key;
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async IAsyncEnumerable<string> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageMetrics.Count(Store, "list");
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // Range scan on the primary key instead of LIKE, which would treat '_' as a wildcard.
        command.CommandText = "SELECT key FROM documents WHERE key >= $from AND key < $to ORDER BY key";
        command.Parameters.AddWithValue("$from", prefix);
        command.Parameters.AddWithValue("$to", prefix + '\uffff');
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // SQLite reads synchronously underneath; the async form only added a task a row.
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
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
        _statements.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }

    // DefaultTimeout doubles as SQLite's busy timeout, so another process's write lock is waited out.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    // Under the gate only: the prepared read.
    private StoredDocument? ReadRow(string key)
    {
        var command = _statements.Read;
        command.Parameters["$key"].Value = key;
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredDocument((byte[])reader.GetValue(1), reader.GetString(0)) : null;
    }

    // Runs statements on the one connection, a request counted per key.
    private async Task<T> Locked<T>(IReadOnlyList<string> keys, string operation, Func<T> statement, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            StorageKey.Validate(key);
        }

        StorageMetrics.Count(Store, operation, keys.Count);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return statement();
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException(
                $"The local store failed to {operation} '{(keys.Count > 0 ? keys[0] : "")}'{(keys.Count > 1 ? $" and {keys.Count - 1} more" : "")}.", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string NewETag() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        public SqliteCommand Read { get; } = Prepare(connection, "SELECT etag, content FROM documents WHERE key = $key", "$key");

        public SqliteCommand Insert { get; } = Prepare(connection,
            "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) ON CONFLICT (key) DO NOTHING", "$key", "$etag", "$content");

        public SqliteCommand Update { get; } = Prepare(connection,
            "UPDATE documents SET etag = $etag, content = $content WHERE key = $key AND etag = $expected", "$key", "$etag", "$content", "$expected");

        public SqliteCommand Upsert { get; } = Prepare(connection,
            "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) "
            + "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, content = excluded.content", "$key", "$etag", "$content");

        public SqliteCommand Delete { get; } = Prepare(connection, "DELETE FROM documents WHERE key = $key", "$key");

        public void Dispose()
        {
            foreach (var command in new[] { Read, Insert, Update, Upsert, Delete })
            {
                command.Dispose();
            }
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(name, name == "$content" ? SqliteType.Blob : SqliteType.Text);
            }

            command.Prepare();
            return command;
        }
    }
}
