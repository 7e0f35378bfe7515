using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ServiceBot.Services.Storage;

/// <summary>
/// The embedded default: a log-structured store (in the manner of Bitcask). Every write appends one
/// record to the newest segment file of a folder; an index in memory says where each document's
/// latest record is and holds the bytes of small documents (in <see cref="RecordSlabs"/>, out of the
/// GC's way), so a read costs no file access and a save is one append. A write is acknowledged once
/// the append has reached the operating system, so a killed process loses nothing it acknowledged
/// (there is no fsync a write: a power cut may lose the last writes, as with SQLite's
/// synchronous=NORMAL). Segments full of superseded records are compacted in the background.
/// </summary>
/// <remarks>
/// <para>Files: <c>NNNNNNNN.log</c> segments, replayed in order; <c>NNNNNNNN.base</c>, a compaction's
/// output, stands for every segment numbered up to it (older files are deleted at open if a crash
/// left them). A record: length and CRC-32 of the rest (little-endian), kind (put or delete), key
/// length, key (ASCII), for a put the ETag and the content. A record that is cut short or fails its
/// CRC at the end of the newest segment is a write the process died in, never acknowledged: the
/// segment is cut there. Anywhere else it is damage, and the store refuses to open.</para>
/// <para>One process owns the folder (a lock file), so the condition of a write is checked against
/// the index under one lock, and the append happens under it too.</para>
/// </remarks>
internal sealed class LogDocumentStore : IDocumentStore, IDisposable
{
    private const string Store = "local";
    private const int RecordHeader = 8;
    private const byte Put = 1;
    private const byte Delete = 2;
    private const int ETagLength = 16;

    /// <summary>
    /// A compaction writes at most this many bytes a second, synced to disk every <see cref="CompactionStep"/>.
    /// </summary>
    private const long CompactionBytesPerSecond = 64L * 1024 * 1024;

    private const long CompactionStep = 8L * 1024 * 1024;

    /// <summary>Content up to this size stays in memory; larger (photos) is read from its segment.</summary>
    internal const int InMemoryLimit = 16 * 1024;

    private readonly string _folder;
    private readonly long _segmentLimit;
    private readonly long _compactAbove;
    private readonly FileStream _lock;
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);

    // The index's keys in order, for listings by prefix; under _write, and built once after the replay.
    private readonly SortedSet<string>? _keys;
    private readonly Lock _write = new();

    // The records of small documents; under _write.
    private readonly RecordSlabs _held = new();
    private readonly List<Segment> _segments = [];
    private Segment _active;
    private long _liveBytes;
    private Thread? _compactor;
    private bool _disposed;

    /// <param name="folder">The store's own folder.</param>
    /// <param name="segmentLimit">A segment this large is closed and a new one started.</param>
    /// <param name="compactAbove">
    /// Closed segments are compacted once their bytes pass this and twice the live bytes.
    /// </param>
    public LogDocumentStore(
        string folder,
        long segmentLimit = 64L * 1024 * 1024,
        long compactAbove = 128L * 1024 * 1024
    )
    {
        _folder = folder;
        _segmentLimit = segmentLimit;
        _compactAbove = compactAbove;
        PrivateFiles.CreateFolder(folder);
        try
        {
            _lock = new FileStream(
                Path.Combine(folder, "LOCK"),
                FileMode.OpenOrCreate,
                FileAccess.ReadWrite,
                FileShare.None
            );
            PrivateFiles.Restrict(_lock.Name);
        }
        catch (IOException e)
        {
            throw new StorageUnavailableException($"The local store in '{folder}' is in use by another process.", e);
        }

        _active = Replay();
        _keys = new SortedSet<string>(_index.Keys, StringComparer.Ordinal);
    }

    /// <summary>Bytes of the records the index points at, and of all segment files.</summary>
    internal (long Live, long Files) Size
    {
        get
        {
            lock (_write)
            {
                return (_liveBytes, _segments.Sum(s => s.Length));
            }
        }
    }

    /// <summary>Bytes of memory the small documents' records are held in (slabs in use).</summary>
    internal long HeldBytes
    {
        get
        {
            lock (_write)
            {
                return _held.HeldBytes;
            }
        }
    }

    /// <summary>Returns once the compaction running now, if any, has finished (tests wait for it).</summary>
    internal void WaitForCompaction()
    {
        Thread? compactor;
        lock (_write)
        {
            compactor = _compactor;
        }

        compactor?.Join();
    }

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        Prepare(key, "read", cancellationToken);
        return Task.FromResult(Read(key));
    }

    public Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(
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
        var documents = new StoredDocument?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            documents[i] = Read(keys[i]);
        }

        return Task.FromResult<IReadOnlyList<StoredDocument?>>(documents);
    }

    public Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        Prepare(key, "write", cancellationToken);
        return Task.FromResult(TryWrite(key, content, condition));
    }

    /// <summary>
    /// <see cref="TryWriteAsync"/>, which never waits: the append is a write to the operating system.
    /// </summary>
    internal string? TryWrite(string key, ReadOnlyMemory<byte> content, WriteCondition condition)
    {
        var etag = NewETag();
        var buffer = ArrayPool<byte>.Shared.Rent(PutSize(key, content.Length));
        try
        {
            var record = Encode(Put, key, etag, content.Span, buffer);
            lock (_write)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _index.TryGetValue(key, out var current);
                var holds = condition.Kind switch
                {
                    WriteConditionKind.IfAbsent => current is null,
                    WriteConditionKind.IfMatch => current?.ETag == condition.ETag,
                    _ => true,
                };
                if (!holds)
                {
                    return null;
                }

                var offset = Append(key, record);
                IndexPut(key, etag, record, _active, offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return etag;
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Prepare(key, "delete", cancellationToken);
        Span<byte> buffer = stackalloc byte[RecordHeader + 3 + StorageKey.MaxLength];
        var record = Encode(Delete, key, null, [], buffer);
        lock (_write)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.ContainsKey(key))
            {
                return Task.FromResult(false);
            }

            Append(key, record);
            Replace(key, null);
        }

        return Task.FromResult(true);
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

    public Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_write)
        {
            if (_disposed || _active.Handle.IsClosed)
            {
                throw new StorageUnavailableException("The local store is closed.");
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_write)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // A compaction that is running finishes (or fails) before its files are closed under it.
        WaitForCompaction();
        foreach (var segment in _segments)
        {
            segment.Handle.Dispose();
        }

        _lock.Dispose();
    }

    // 64 random bits in hex: a version token, not a secret, so from the shared generator, which needs
    // no system call (the cryptographic one asks the OS for each write's bytes).
    private static string NewETag() =>
        Random.Shared.NextInt64(long.MinValue, long.MaxValue).ToString("x16", CultureInfo.InvariantCulture);

    private static void Prepare(string key, string operation, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        StorageMetrics.Count(Store, operation);
    }

    private StoredDocument? Read(string key)
    {
        while (true)
        {
            Entry? entry;
            lock (_write)
            {
                if (!_index.TryGetValue(key, out entry))
                {
                    return null;
                }

                // A copy: the slab it is held in is written again once emptied.
                if (entry.Slab is { } slab)
                {
                    return new StoredDocument(slab.Bytes.AsSpan(entry.HeldAt, entry.Length).ToArray(), entry.ETag);
                }
            }

            try
            {
                if (ReadRecord(key, entry) is { } record)
                {
                    return new StoredDocument(record.AsMemory(PutSize(key, 0)), entry.ETag);
                }
            }
            catch (ObjectDisposedException) when (!_disposed)
            {
                // A compaction moved it and closed the old segment between the lookup and the read.
                continue;
            }
            catch (IOException e)
            {
                throw new StorageUnavailableException($"The local store failed to read '{key}'.", e);
            }

            throw new StorageUnavailableException(
                $"The local store's record of '{key}' is shorter than its index says."
            );
        }
    }

    // Under _write: the record at the end of the active segment, which is closed and a new one
    // started when full; returns the record's offset.
    private long Append(string key, ReadOnlySpan<byte> record)
    {
        try
        {
            if (_active.Length >= _segmentLimit)
            {
                // A closed segment ends at its last whole record (a failed append may have left part of one).
                RandomAccess.SetLength(_active.Handle, _active.Length);
                var next = Open(Path.Combine(_folder, SegmentName(_active.Number + 1, "log")), _active.Number + 1);
                _segments.Add(next);
                _active = next;
                CompactIfWorthIt();
            }

            RandomAccess.Write(_active.Handle, record, _active.Length);
        }
        catch (IOException e)
        {
            // The file may hold part of the record: the next append overwrites it, a closing segment
            // is cut to its length, and a replay of the newest cuts it.
            throw new StorageUnavailableException($"The local store failed to write '{key}'.", e);
        }

        var offset = _active.Length;
        _active.Length += record.Length;
        return offset;
    }

    // Under _write: a put's record (header included) that is now in the segment at offset; a small
    // document's record is held in memory too.
    private void IndexPut(string key, string etag, ReadOnlySpan<byte> record, Segment segment, long offset)
    {
        var start = PutSize(key, 0);
        var length = record.Length - start;
        if (length > InMemoryLimit)
        {
            Replace(key, new Entry(etag, null, 0, segment, offset + start, length));
            return;
        }

        var (slab, at) = _held.Hold(record);
        Replace(key, new Entry(etag, slab, at + start, segment, offset + start, length));
    }

    // Under _write: the index, its sorted keys (once the replay is done), the held records and the
    // live bytes for a put (entry) or a delete (null).
    private void Replace(string key, Entry? entry)
    {
        if (_index.TryGetValue(key, out var old))
        {
            _liveBytes -= PutSize(key, old.Length);
            if (old.Slab is { } slab)
            {
                _held.Release(slab, PutSize(key, old.Length));
            }
        }

        if (entry is null)
        {
            _index.Remove(key);
            _keys?.Remove(key);
        }
        else
        {
            _index[key] = entry;
            _liveBytes += PutSize(key, entry.Length);
            if (old is null)
            {
                _keys?.Add(key);
            }
        }

        while (_held.TakeSparse(out var sparse))
        {
            MoveOut(sparse);
        }
    }

    // Under _write: the records of a slab that is mostly superseded, moved to the newest, so that the
    // GC can free it. The slab is walked record by record; a record is moved if the index still points at it.
    private void MoveOut(RecordSlabs.Slab slab)
    {
        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> name = stackalloc char[StorageKey.MaxLength];
        for (var at = 0; at < slab.Used && slab.Live > 0; )
        {
            var record = slab.Bytes.AsSpan(
                at,
                RecordHeader + (int)BinaryPrimitives.ReadUInt32LittleEndian(slab.Bytes.AsSpan(at))
            );
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(record[(RecordHeader + 1)..]);
            var key = name[..Encoding.ASCII.GetChars(record.Slice(RecordHeader + 3, keyLength), name)];
            var start = ContentStart(keyLength);
            if (
                lookup.TryGetValue(key, out var actualKey, out var entry)
                && entry.Slab == slab
                && entry.HeldAt == at + start
            )
            {
                var (to, movedAt) = _held.Hold(record);
                _held.Release(slab, record.Length);
                _index[actualKey] = entry with { Slab = to, HeldAt = movedAt + start };
            }

            at += record.Length;
        }
    }

    private void CompactIfWorthIt()
    {
        var closed = _segments.Where(s => s != _active).ToList();
        var closedBytes = closed.Sum(s => s.Length);
        if (_compactor is not { IsAlive: true } && closedBytes > _compactAbove && closedBytes > 2 * _liveBytes)
        {
            // Taken under the lock every write holds, so it is the index as of one moment.
            var sealedSet = closed.ToHashSet();
            var moving = _index.Where(p => sealedSet.Contains(p.Value.Segment)).ToList();
            _held.StartCopying();
            // A thread of its own: it writes and syncs the live bytes, which would hold a pool thread for seconds.
            _compactor = new Thread(() => CompactOrLeave(closed, moving))
            {
                IsBackground = true,
                Name = "servicebot-compaction",
            };
            _compactor.Start();
        }
    }

    // A compaction that fails on the file system changes nothing a replay would read differently: before
    // its rename the old segments hold everything; after it the base stands for them, and old files it
    // could not delete are deleted at the next open. The next closed segment tries again.
    private void CompactOrLeave(List<Segment> closed, List<KeyValuePair<string, Entry>> moving)
    {
        try
        {
            Compact(closed, moving);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        finally
        {
            lock (_write)
            {
                _held.EndCopying();
            }
        }
    }

    // Writes the live records of the closed segments to one base file, outside the lock; then, under it,
    // points the index at the copies that are still current and deletes the old files.
    private void Compact(List<Segment> closed, List<KeyValuePair<string, Entry>> moving)
    {
        var last = closed[^1].Number;
        var path = Path.Combine(_folder, SegmentName(last, "base"));
        var moved = new List<(string Key, Entry Was, long Offset)>(moving.Count);
        try
        {
            using (
                var output = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20)
            )
            {
                var pace = Stopwatch.StartNew();
                long synced = 0;
                foreach (var (key, entry) in moving)
                {
                    moved.Add((key, entry, output.Position));
                    output.Write(RecordOf(key, entry).Span);
                    if (output.Position - synced >= CompactionStep)
                    {
                        output.Flush(flushToDisk: true);
                        synced = output.Position;
                        Pace(pace, synced);
                        if (Volatile.Read(ref _disposed))
                        {
                            // Closing: not worth the wait (paced, a large store takes a while);
                            // the old segments hold everything.
                            throw new OperationCanceledException();
                        }
                    }
                }

                output.Flush(flushToDisk: true);
            }

            PrivateFiles.Restrict(path + ".tmp");
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Nothing changed: the old segments still hold everything; the next closed segment tries again.
            File.Delete(path + ".tmp");
            return;
        }

        var based = Open(path, last);
        lock (_write)
        {
            foreach (var (key, was, offset) in moved)
            {
                // Still the record that was copied (its place in the files is its identity: the entry may
                // have been replaced since with one for the same record held elsewhere in memory).
                var start = offset + PutSize(key, 0);
                if (_index.TryGetValue(key, out var now) && now.Segment == was.Segment && now.Offset == was.Offset)
                {
                    _index[key] = now with { Segment = based, Offset = start };
                }
            }

            _segments.RemoveAll(s => closed.Contains(s));
            _segments.Insert(0, based);
        }

        foreach (var segment in closed)
        {
            segment.Handle.Dispose();
            if (segment.Path != path)
            {
                File.Delete(segment.Path);
            }
        }
    }

    // Paced so that a compaction takes only the share of the machine the turns can spare: a whole core
    // for a second would queue every turn behind it under load. Sleeps on its own thread.
    private static void Pace(Stopwatch pace, long written)
    {
        var ahead = TimeSpan.FromSeconds((double)written / CompactionBytesPerSecond) - pace.Elapsed;
        if (ahead > TimeSpan.Zero)
        {
            Thread.Sleep(ahead);
        }
    }

    // A live record as it is in its file, for a compaction to copy: a small document's is held whole
    // in its slab (not written again while a compaction copies); a large one's is read from its segment.
    private static ReadOnlyMemory<byte> RecordOf(string key, Entry entry)
    {
        if (entry.Slab is { } slab)
        {
            return slab.Bytes.AsMemory(entry.HeldAt - PutSize(key, 0), PutSize(key, entry.Length));
        }

        return ReadRecord(key, entry)
            ?? throw new IOException($"The record of '{key}' is shorter than the index says.");
    }

    // The record of a document that is not held in memory, from its segment; null when the file is
    // shorter than the index says.
    private static byte[]? ReadRecord(string key, Entry entry)
    {
        var record = new byte[PutSize(key, entry.Length)];
        return RandomAccess.Read(entry.Segment.Handle, record, entry.Offset - PutSize(key, 0)) == record.Length
            ? record
            : null;
    }

    // The record, into the front of buffer.
    private static Span<byte> Encode(byte kind, string key, string? etag, ReadOnlySpan<byte> content, Span<byte> buffer)
    {
        var record = buffer[..(etag is null ? RecordHeader + 3 + key.Length : PutSize(key, content.Length))];
        var body = record[RecordHeader..];
        body[0] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(body[1..], (ushort)key.Length);
        var at = 3 + Encoding.ASCII.GetBytes(key, body[3..]);
        if (etag is not null)
        {
            at += Encoding.ASCII.GetBytes(etag, body[at..]);
        }

        content.CopyTo(body[at..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(body));
        return record;
    }

    // At open: removes what a crash left, replays the newest base and the segments after it, and
    // returns the segment to append to.
    private Segment Replay()
    {
        foreach (var leftover in Directory.EnumerateFiles(_folder, "*.tmp"))
        {
            File.Delete(leftover);
        }

        var files = Directory
            .EnumerateFiles(_folder)
            .Select(path => (Path: path, Name: Path.GetFileName(path)))
            .Where(f =>
                (
                    f.Name.Length == 12 && f.Name.EndsWith(".log", StringComparison.Ordinal)
                    || f.Name.Length == 13 && f.Name.EndsWith(".base", StringComparison.Ordinal)
                ) && f.Name.AsSpan(0, 8).ContainsAnyExceptInRange('0', '9') is false
            )
            .Select(f =>
                (
                    f.Path,
                    Number: long.Parse(f.Name.AsSpan(0, 8), CultureInfo.InvariantCulture),
                    IsBase: f.Name.EndsWith(".base", StringComparison.Ordinal)
                )
            )
            .OrderBy(f => f.Number)
            .ThenBy(f => f.IsBase ? 1 : 0)
            .ToList();
        var baseFile = files.LastOrDefault(f => f.IsBase);
        if (baseFile.Path is not null)
        {
            foreach (
                var superseded in files.Where(f =>
                    f.Number < baseFile.Number || f.Number == baseFile.Number && !f.IsBase
                )
            )
            {
                File.Delete(superseded.Path);
            }

            files = [.. files.Where(f => f.Number > baseFile.Number || f.Path == baseFile.Path)];
        }

        for (var i = 0; i < files.Count; i++)
        {
            var segment = Open(files[i].Path, files[i].Number);
            _segments.Add(segment);
            Load(segment, newest: i == files.Count - 1 && !files[i].IsBase);
        }

        if (files.Count == 0 || files[^1].IsBase)
        {
            var number = files.Count == 0 ? 1 : files[^1].Number + 1;
            _segments.Add(Open(Path.Combine(_folder, SegmentName(number, "log")), number));
        }

        return _segments[^1];
    }

    private void Load(Segment segment, bool newest)
    {
        using var input = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        Span<byte> header = stackalloc byte[RecordHeader];
        var buffer = new byte[64 * 1024];
        long offset = 0;
        while (offset < segment.Length)
        {
            var left = segment.Length - offset - RecordHeader;
            var length =
                left >= 0 && input.ReadAtLeast(header, RecordHeader, throwOnEndOfStream: false) == RecordHeader
                    ? BinaryPrimitives.ReadUInt32LittleEndian(header)
                    : (long?)null;
            if (newest && (length is null || length > left || IsZeroFrom(offset)))
            {
                // The write the process died in (its length runs past the end), or blocks a power cut
                // left zeroed: never acknowledged, so cut. Only the newest segment is written to.
                segment.Length = offset;
                RandomAccess.SetLength(segment.Handle, offset);
                return;
            }

            // The whole record, header too, as a small document's is held and as a compaction copies it.
            var whole = length is >= 3 && length <= left;
            if (whole && RecordHeader + length!.Value > buffer.Length)
            {
                buffer = new byte[RecordHeader + length.Value];
            }

            var record = whole ? buffer.AsSpan(0, RecordHeader + (int)length!.Value) : default;
            if (
                !whole
                || !header.TryCopyTo(record)
                || input.ReadAtLeast(record[RecordHeader..], record.Length - RecordHeader, throwOnEndOfStream: false)
                    != record.Length - RecordHeader
                || Crc32.HashToUInt32(record[RecordHeader..]) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..])
                || !Apply(segment, offset, record)
            )
            {
                // A whole record that is wrong is damage, not a write cut short: what follows it was
                // acknowledged, so nothing is dropped and the store does not open.
                throw new StorageUnavailableException(
                    $"The local store's file '{segment.Path}' is damaged at byte {offset}."
                );
            }

            offset += record.Length;
        }

        bool IsZeroFrom(long from)
        {
            var rest = new byte[64 * 1024];
            for (var at = from; at < segment.Length; )
            {
                var read = RandomAccess.Read(segment.Handle, rest, at);
                if (read == 0 || rest.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    return read == 0;
                }

                at += read;
            }

            return true;
        }
    }

    // One replayed record (header included) into the index; false when it does not parse.
    private bool Apply(Segment segment, long offset, ReadOnlySpan<byte> record)
    {
        var body = record[RecordHeader..];
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[1..]);
        var contentStart = ContentStart(keyLength);
        if (
            body[0] is not (Put or Delete)
            || 3 + keyLength > body.Length
            || body[0] == Put && contentStart > record.Length
        )
        {
            return false;
        }

        var key = Encoding.ASCII.GetString(body.Slice(3, keyLength));
        if (body[0] == Delete)
        {
            Replace(key, null);
            return true;
        }

        IndexPut(key, Encoding.ASCII.GetString(body.Slice(3 + keyLength, ETagLength)), record, segment, offset);
        return true;
    }

    private static Segment Open(string path, long number)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        PrivateFiles.Restrict(path);
        return new Segment(path, number, handle) { Length = RandomAccess.GetLength(handle) };
    }

    private static string SegmentName(long number, string extension) =>
        $"{number.ToString("D8", CultureInfo.InvariantCulture)}.{extension}";

    /// <summary>Where a document's latest record is (Offset: its content's first byte); for a small
    /// document, also where its record is held in memory (HeldAt: its content's first byte in Slab).</summary>
    private sealed record Entry(
        string ETag,
        RecordSlabs.Slab? Slab,
        int HeldAt,
        Segment Segment,
        long Offset,
        int Length
    );

    // The bytes of a put's record: header, kind, key length, key, ETag, content.
    private static int PutSize(string key, int contentLength) => ContentStart(key.Length) + contentLength;

    // Where a put's content starts in its record: after the header, kind, key length, key and ETag.
    private static int ContentStart(int keyLength) => RecordHeader + 3 + keyLength + ETagLength;

    private sealed class Segment(string path, long number, SafeFileHandle handle)
    {
        public string Path { get; } = path;

        public long Number { get; } = number;

        public SafeFileHandle Handle { get; } = handle;

        public long Length { get; set; }
    }
}
