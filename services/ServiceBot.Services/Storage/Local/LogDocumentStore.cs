using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// The embedded default: a log-structured store (in the manner of Bitcask). Every write appends one
/// record to the newest file of a folder; an index in memory says where each document's latest
/// record is and holds the bytes of small documents (in <see cref="RecordSlabs"/>, out of the GC's
/// way). By default a write is acknowledged once it is on the disk (fsync), one sync serving every
/// writer waiting at the time (<see cref="GroupCommit"/>); a reader never sees a write that is not.
/// </summary>
/// <remarks>
/// <para>Files (<see cref="LogFormat"/>): <c>NNNNNNNN.log</c> segments, replayed in order; a
/// <c>NNNNNNNN.base</c>, a compaction's output, stands for every segment up to its number. Each file
/// names the one before it and each but the newest ends with a seal naming the next, so a missing
/// file is seen. At open (<c>LogReplay.cs</c>) a write a crash interrupted at the end of the newest
/// segment is cut and kept aside; damage anywhere else stops the store, naming file and offset.</para>
/// <para>One process owns the folder (a lock file); a write's condition is checked against the
/// index and its record appended under one lock.</para>
/// </remarks>
internal sealed partial class LogDocumentStore : IDocumentStore, IDisposable
{
    private const string Store = "local";

    /// <summary>Content up to this size stays in memory; larger (photos) is read from its segment.</summary>
    internal const int InMemoryLimit = 16 * 1024;

    /// <summary>Memory for held documents by default (<c>Storage:CacheMegabytes</c>).</summary>
    internal const long DefaultCacheBytes = 192L * 1024 * 1024;

    private readonly string _folder;
    private readonly long _segmentLimit;
    private readonly long _compactAbove;
    private readonly LocalDurability _durability;
    private readonly long _cacheBytes;
    private readonly ILogger _logger;
    private readonly IStoreFiles _files;
    private readonly IDisposable _lock;
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);

    // The index's keys in order, for listings by prefix; under _write, and built once after the replay.
    private readonly SortedSet<string>? _keys;
    private readonly Lock _write = new();
    private readonly Lock _closing = new();

    // The records of small documents; under _write.
    private readonly RecordSlabs _held = new();
    private readonly List<Segment> _segments = [];
    private readonly GroupCommit _commit;
    private Segment _active;
    private long _liveBytes;
    private bool _disposed;

    // The last append failed (a full disk): unhealthy until one succeeds.
    private bool _writesFailing;

    // Where the last delete's record ends: an answer "absent" rests on it (under _write).
    private Position _lastDelete;

    /// <param name="folder">The store's own folder.</param>
    /// <param name="segmentLimit">A segment this large is closed and a new one started.</param>
    /// <param name="compactAbove">Closed segments are compacted once above this and twice the live bytes.</param>
    /// <param name="durability">When a write is acknowledged.</param>
    /// <param name="cacheBytes">Memory for held documents; past it the least used are read from their file.</param>
    /// <param name="logger">Where cut tails and compaction failures are told.</param>
    /// <param name="files">The disk (the tests put a simulated one here).</param>
    public LogDocumentStore(
        string folder,
        long segmentLimit = 64L * 1024 * 1024,
        long compactAbove = 128L * 1024 * 1024,
        LocalDurability durability = LocalDurability.Synced,
        long cacheBytes = DefaultCacheBytes,
        ILogger? logger = null,
        IStoreFiles? files = null
    )
    {
        _folder = folder;
        _segmentLimit = segmentLimit;
        _compactAbove = compactAbove;
        _durability = durability;
        _cacheBytes = cacheBytes;
        _logger = logger ?? NullLogger.Instance;
        _files = files ?? DiskFiles.Instance;
        _files.CreateFolder(folder);
        try
        {
            _lock = _files.Lock(folder);
        }
        catch (IOException e)
        {
            throw new StorageUnavailableException($"The local store in '{folder}' is in use by another process.", e);
        }

        try
        {
            _active = Replay();
        }
        catch
        {
            foreach (var segment in _segments)
            {
                segment.File.Dispose();
            }

            _lock.Dispose();
            throw;
        }

        _keys = new SortedSet<string>(_index.Keys, StringComparer.Ordinal);
        _commit = new GroupCommit(
            () =>
            {
                lock (_write)
                {
                    return (_active.File, _active.Number, _active.Length);
                }
            },
            (_active.Number, _active.Length),
            durability == LocalDurability.Synced ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(1)
        );
    }

    /// <summary>The folder the store keeps its files in.</summary>
    public string Folder => _folder;

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        Prepare(key, "read", cancellationToken);
        var span = StorageMetrics.Trace(Store, "read", key);
        var (document, at) = Read(key);
        var durable = Durable(at);
        // Almost always on the disk already: no state machine for the wait.
        if (durable.IsCompleted)
        {
            span?.Dispose();
            return Task.FromResult(document);
        }

        return AfterAsync(durable, document, span);

        static async Task<StoredDocument?> AfterAsync(Task durable, StoredDocument? document, Activity? span)
        {
            using (span)
            {
                await durable;
                return document;
            }
        }
    }

    public async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(
        IReadOnlyList<string> keys,
        CancellationToken cancellationToken
    )
    {
        foreach (var key in keys)
        {
            StorageKey.Validate(key);
        }

        cancellationToken.ThrowIfCancellationRequested();
        StorageMetrics.Count(Store, "read", keys.Count);
        using var span = keys.Count > 0 ? StorageMetrics.Trace(Store, "read many", keys[0]) : null;
        var documents = new StoredDocument?[keys.Count];
        var last = default(Position);
        for (var i = 0; i < keys.Count; i++)
        {
            (documents[i], var at) = Read(keys[i]);
            last = Position.Max(last, at);
        }

        await Durable(last);
        return documents;
    }

    public async Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        Prepare(key, "write", cancellationToken);
        using var span = StorageMetrics.Trace(Store, "write", key);
        var (etag, at) = TryWrite(key, content.Span, condition);
        // A condition that failed on a write not yet on the disk waits for it too: its answer rests on it.
        await Durable(at);
        return etag;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Prepare(key, "delete", cancellationToken);
        using var span = StorageMetrics.Trace(Store, "delete", key);
        var record = new byte[LogFormat.RecordSize(LogFormat.Delete, key.Length, 0)];
        LogFormat.Encode(LogFormat.Delete, key, null, [], 0, record);
        Position at;
        var absent = false;
        lock (_write)
        {
            ThrowIfUnusable();
            if (!_index.ContainsKey(key))
            {
                at = _lastDelete;
                absent = true;
            }
            else
            {
                at = _lastDelete = Append(key, record);
                Replace(key, null);
            }
        }

        await Durable(at);
        return !absent;
    }

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        StorageMetrics.Count(Store, "list");
        var keys = new List<string>();
        lock (_write)
        {
            // Every key from the prefix up to the last that can start with it (keys are ASCII).
            keys.AddRange(_keys!.GetViewBetween(prefix, prefix + char.MaxValue));
        }

        await Task.CompletedTask;
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    /// <summary>Unhealthy when closed, when a sync failed, or while appends fail (a probe append tells).</summary>
    public Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_write)
        {
            ThrowIfUnusable();
            if (_writesFailing)
            {
                Append("(probe)", LogFormat.EncodeMark(0));
            }
        }

        return Task.CompletedTask;
    }

    // 64 random bits in hex: a version token, not a secret, so from the shared generator, which needs
    // no system call (the cryptographic one asks the OS for each write's bytes).
    private static ulong NewETag() => (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);

    private static void Prepare(string key, string operation, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        StorageMetrics.Count(Store, operation);
    }

    // Waits until what an answer rests on is on the disk (never, relaxed).
    private Task Durable(Position at) =>
        _durability == LocalDurability.Synced && at.Number > 0 && !_commit.IsDurable(at.Number, at.Offset)
            ? _commit.WaitAsync(at.Number, at.Offset)
            : Task.CompletedTask;

    // Under _write.
    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_commit.Failure is { } failure)
        {
            throw new StorageUnavailableException(
                "The local store could not sync its file and takes no more writes; restart it.",
                failure
            );
        }
    }
}

/// <summary>When the local store acknowledges a write (<c>Storage:Durability</c>).</summary>
internal enum LocalDurability
{
    /// <summary>Once it is on the disk: survives a power cut.</summary>
    Synced,

    /// <summary>Once the operating system has it: survives the process, a power cut may lose the last second.</summary>
    Written,
}
