using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench;

/// <summary>
/// The embedded store before the log store (services/…/Storage/LogDocumentStore.cs; a folder it
/// wrote is imported by SqliteImport), kept as the bench's baseline for it. One SQLite file in WAL
/// mode. A write is acknowledged once SQLite has committed it to the WAL through the operating
/// system, so a killed process loses nothing it acknowledged (synchronous=NORMAL skips the fsync,
/// so a power cut may lose the last commits). Unlike a file per document it does not pay for an
/// inode and a rename a write. Writes that wait together commit together (group commit): one WAL
/// transaction for the batch, each acknowledged only once it is committed.
/// </summary>
internal sealed class SqliteDocumentStore : IDocumentStore, IDisposable
{
    private const string Store = "local";

    // 16 KiB pages, for new files (SQLite keeps an existing file's page size): a WITHOUT ROWID table
    // keeps at most about a quarter of a page in the leaf and spills the rest to overflow pages, so
    // with smaller pages a conversation of 1 to 2 KB takes several page writes a save.
    private const string Schema = """
        PRAGMA page_size = 16384;
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS documents (
            key TEXT NOT NULL PRIMARY KEY,
            etag TEXT NOT NULL,
            content BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    // One long-lived connection, used by one thread of its own, does every read and write of this
    // process. SQLite has one writer at a time anyway, and a connection that is the only writer
    // keeps its page cache across transactions, so a read stays in memory; pooled connections would
    // each re-read their pages from the file after every write by another. The thread takes what is
    // queued as a batch: its reads first, in one read transaction, answered at once; then its writes,
    // committed in one transaction (one WAL append and lock round instead of one each), none answered
    // before that commit, so no caller acts on a write that might not stay. Key listings, which can
    // be long, use pooled connections of their own.
    private const int MaxBatch = 256;
    private readonly SqliteConnection _connection;

    // A blocking queue, since its reader is a thread of its own that has nothing else to do.
    private readonly BlockingCollection<Operation> _queue = new(new ConcurrentQueue<Operation>());
    private readonly Thread _worker;

    // Prepared once on that connection and reused by its thread, so that SQLite does not parse and
    // plan each statement on every call.
    private readonly Statements _statements;

    /// <param name="databasePath">The database file.</param>
    /// <param name="synchronous">SQLite's synchronous setting: NORMAL (as it was), or FULL (an fsync a commit).</param>
    public SqliteDocumentStore(string databasePath, string synchronous = "NORMAL")
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
        // The file is read through a memory map (no system call a page); the page cache holds what the
        // map cannot serve (pages whose latest copy is in the WAL, a batch's dirty pages). Kept small
        // (8 MiB), since SQLite scans the cache's hash table at the end of every transaction.
        command.CommandText =
            Schema
            + $"PRAGMA synchronous = {synchronous}; PRAGMA wal_autocheckpoint = 256; PRAGMA mmap_size = 1073741824; "
            + "PRAGMA cache_size = -8192;";
        command.ExecuteNonQuery();
        _statements = new Statements(_connection);
        _worker = new Thread(Work) { IsBackground = true, Name = "servicebot-sqlite" };
        _worker.Start();
    }

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken) =>
        Enqueue([key], "read", write: false, () => ReadRow(key), cancellationToken);

    // One operation for all of them: the hand-over to the connection costs more than SQLite's read.
    public Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(
        IReadOnlyList<string> keys,
        CancellationToken cancellationToken
    ) =>
        Enqueue(
            keys,
            "read",
            write: false,
            () => (IReadOnlyList<StoredDocument?>)[.. keys.Select(ReadRow)],
            cancellationToken
        );

    public Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    ) =>
        Enqueue(
            [key],
            "write",
            write: true,
            () =>
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
            },
            cancellationToken
        );

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        Enqueue(
            [key],
            "delete",
            write: true,
            () =>
            {
                var command = _statements.Delete;
                command.Parameters["$key"].Value = key;
                return command.ExecuteNonQuery() == 1;
            },
            cancellationToken
        );

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
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
        _queue.CompleteAdding();
        _worker.Join();
        _statements.Dispose();
        _connection.Dispose();
        _queue.Dispose();
    }

    // DefaultTimeout doubles as SQLite's busy timeout, so another process's write lock is waited out.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    // On the connection's thread only: the prepared read.
    private StoredDocument? ReadRow(string key)
    {
        var command = _statements.Read;
        command.Parameters["$key"].Value = key;
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredDocument((byte[])reader.GetValue(1), reader.GetString(0)) : null;
    }

    // Queues statements for the connection's thread, a request counted per key.
    private Task<T> Enqueue<T>(
        IReadOnlyList<string> keys,
        string operation,
        bool write,
        Func<T> statement,
        CancellationToken cancellationToken
    )
    {
        foreach (var key in keys)
        {
            StorageKey.Validate(key);
        }

        cancellationToken.ThrowIfCancellationRequested();
        StorageMetrics.Count(Store, operation, keys.Count);
        var queued = new Operation<T>(
            statement,
            write,
            $"The local store failed to {operation} "
                + $"'{(keys.Count > 0 ? keys[0] : "")}'{(keys.Count > 1 ? $" and {keys.Count - 1} more" : "")}.",
            cancellationToken
        );
        ObjectDisposedException.ThrowIf(_queue.IsAddingCompleted, this);
        _queue.Add(queued, CancellationToken.None);
        return queued.Task;
    }

    // The connection's thread: takes what is queued, up to MaxBatch, and runs it as one batch, until
    // the store is disposed and the queue drained.
    private void Work()
    {
        var batch = new List<Operation>(MaxBatch);
        var reads = new List<Operation>(MaxBatch);
        while (_queue.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            batch.RemoveAll(o => o.CancelIfAsked());

            // The reads first, answered at once: a read does not wait for the commit of the writes
            // queued beside it (and the checkpoint that commit may run). They were all in flight
            // together, so reading before writing is an order they could have had.
            reads.AddRange(batch.Where(o => !o.IsWrite));
            batch.RemoveAll(o => !o.IsWrite);
            RunTogether(reads);
            RunTogether(batch);
            reads.Clear();
            batch.Clear();
        }
    }

    private void RunTogether(List<Operation> batch)
    {
        if (batch.Count > 0 && !TryRunTogether(batch))
        {
            // Something in the batch failed and it was rolled back: each runs again on its own, so
            // one bad write fails alone.
            foreach (var operation in batch)
            {
                TryRunTogether([operation]);
            }
        }
    }

    // Runs the batch in one transaction, and answers each once it is committed; false (nothing
    // answered, nothing kept) when a statement or the commit failed and there was more than one.
    // Reads alone share a read transaction too: each statement outside one would take and release
    // SQLite's file and WAL locks on its own.
    private bool TryRunTogether(List<Operation> batch)
    {
        var transaction = batch.Count > 1;
        try
        {
            if (transaction)
            {
                (batch.Exists(o => o.IsWrite) ? _statements.BeginWrite : _statements.BeginRead).ExecuteNonQuery();
            }

            foreach (var operation in batch)
            {
                operation.Run();
            }

            if (transaction)
            {
                _statements.Commit.ExecuteNonQuery();
            }
        }
        catch (Exception e)
        {
            if (transaction)
            {
                RollBack();
            }

            if (batch.Count > 1)
            {
                return false;
            }

            batch[0].Fail(e);
            return true;
        }

        foreach (var operation in batch)
        {
            operation.Answer();
        }

        return true;
    }

    private void RollBack()
    {
        try
        {
            _statements.Rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite rolls back on its own after some errors; there is then no transaction to end.
        }
    }

    /// <summary>A queued statement: run on the connection's thread, answered after its batch commits.</summary>
    private abstract class Operation(bool write, CancellationToken cancellationToken)
    {
        public bool IsWrite { get; } = write;

        protected CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract bool CancelIfAsked();

        public abstract void Run();

        public abstract void Answer();

        public abstract void Fail(Exception e);
    }

    private sealed class Operation<T>(
        Func<T> statement,
        bool write,
        string failure,
        CancellationToken cancellationToken
    ) : Operation(write, cancellationToken)
    {
        private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _answer.Task;

        public override bool CancelIfAsked() =>
            CancellationToken.IsCancellationRequested && _answer.TrySetCanceled(CancellationToken);

        public override void Run() => _result = statement();

        public override void Answer() => _answer.TrySetResult(_result!);

        public override void Fail(Exception e) =>
            _answer.TrySetException(e is SqliteException ? new StorageUnavailableException(failure, e) : e);
    }

    private static string NewETag() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        public SqliteCommand Read { get; } =
            Prepare(connection, "SELECT etag, content FROM documents WHERE key = $key", "$key");

        public SqliteCommand Insert { get; } =
            Prepare(
                connection,
                "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) ON CONFLICT "
                    + "(key) DO NOTHING",
                "$key",
                "$etag",
                "$content"
            );

        public SqliteCommand Update { get; } =
            Prepare(
                connection,
                "UPDATE documents SET etag = $etag, content = $content WHERE key = $key AND etag = $expected",
                "$key",
                "$etag",
                "$content",
                "$expected"
            );

        public SqliteCommand Upsert { get; } =
            Prepare(
                connection,
                "INSERT INTO documents (key, etag, content) VALUES ($key, $etag, $content) "
                    + "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, content = excluded.content",
                "$key",
                "$etag",
                "$content"
            );

        public SqliteCommand Delete { get; } = Prepare(connection, "DELETE FROM documents WHERE key = $key", "$key");

        public SqliteCommand BeginWrite { get; } = Prepare(connection, "BEGIN IMMEDIATE");

        public SqliteCommand BeginRead { get; } = Prepare(connection, "BEGIN");

        public SqliteCommand Commit { get; } = Prepare(connection, "COMMIT");

        public SqliteCommand Rollback { get; } = Prepare(connection, "ROLLBACK");

        public void Dispose()
        {
            foreach (
                var command in new[] { Read, Insert, Update, Upsert, Delete, BeginWrite, BeginRead, Commit, Rollback }
            )
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
