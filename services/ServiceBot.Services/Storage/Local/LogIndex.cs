using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// The index: where each document's latest record is, with the records of small documents held in
/// memory (<see cref="RecordSlabs"/>); larger ones are read from their file and checked against their CRC.
/// </summary>
internal sealed partial class LogDocumentStore
{
    private (StoredDocument? Document, Position At) Read(string key)
    {
        while (true)
        {
            Entry entry;
            lock (_write)
            {
                if (!_index.TryGetValue(key, out entry))
                {
                    return (null, _lastDelete);
                }

                // A copy: the slab it is held in is written again once emptied.
                if (entry.Slab is { } slab)
                {
                    var bytes = slab.Bytes.AsSpan(entry.HeldAt, entry.Length).ToArray();
                    return (new StoredDocument(bytes, entry.ETagText), entry.End);
                }
            }

            try
            {
                var record = ReadRecord(key, entry);
                if (entry.Length <= InMemoryLimit)
                {
                    HoldAgain(key, entry, record);
                }

                return (
                    new StoredDocument(record.AsMemory(LogFormat.ContentStart(key.Length)), entry.ETagText),
                    entry.End
                );
            }
            catch (ObjectDisposedException) when (!_disposed)
            {
                // A compaction moved it and closed the old segment between the lookup and the read.
            }
            catch (IOException e)
            {
                throw new StorageUnavailableException($"The local store failed to read '{key}': {e.Message}", e);
            }
        }
    }

    // A small document read from its file is held again, unless it changed meanwhile: it is being used.
    private void HoldAgain(string key, Entry read, byte[] record)
    {
        lock (_write)
        {
            if (
                _index.TryGetValue(key, out var now)
                && now.Slab is null
                && now.Segment == read.Segment
                && now.Offset == read.Offset
            )
            {
                var (slab, at) = _held.Hold(record);
                _index[key] = now with { Slab = slab, HeldAt = at + LogFormat.ContentStart(key.Length) };
                KeepHeldWithinLimit();
            }
        }
    }

    // Under _write: a put's record (header included) that is now in the segment at offset; a small
    // document's record is held in memory too, as long as the cache has room.
    private void IndexPut(string key, ulong etag, ReadOnlySpan<byte> record, Segment segment, long offset)
    {
        var start = LogFormat.ContentStart(key.Length);
        var length = record.Length - start;
        if (length > InMemoryLimit)
        {
            Replace(key, new Entry(etag, null, 0, segment, offset + start, length));
            return;
        }

        var (slab, at) = _held.Hold(record);
        Replace(key, new Entry(etag, slab, at + start, segment, offset + start, length));
        KeepHeldWithinLimit();
    }

    // Under _write: past the cache's limit, the oldest slab is emptied. Its superseded records are
    // dropped and, when it holds much of them, its live records moved to the newest slab (rewritten
    // documents stay held); a slab mostly live is let go: its documents, written or read longest
    // ago, are read from their file when next asked for.
    private void KeepHeldWithinLimit()
    {
        while (_held.HeldBytes > _cacheBytes && _held.TakeOldest(out var oldest))
        {
            WalkHeld(oldest, oldest.Live * 4 < oldest.Used * 3 ? MoveToNewest : LetGo);
        }
    }

    private void LetGo(string key, Entry entry, ReadOnlySpan<byte> record) =>
        _index[key] = entry with { Slab = null, HeldAt = 0 };

    private void MoveToNewest(string key, Entry entry, ReadOnlySpan<byte> record)
    {
        var (to, movedAt) = _held.Hold(record);
        _index[key] = entry with { Slab = to, HeldAt = movedAt + LogFormat.ContentStart(key.Length) };
    }

    // Under _write: the index, its sorted keys (once the replay is done), the held records and the
    // live bytes for a put (entry) or a delete (null).
    private void Replace(string key, Entry? entry)
    {
        var existed = _index.TryGetValue(key, out var old);
        if (existed)
        {
            _liveBytes -= LogFormat.PutSize(key.Length, old.Length);
            if (old.Slab is { } slab)
            {
                _held.Release(slab, LogFormat.PutSize(key.Length, old.Length));
            }
        }

        if (entry is not { } put)
        {
            _index.Remove(key);
            _keys?.Remove(key);
        }
        else
        {
            _index[key] = put;
            _liveBytes += LogFormat.PutSize(key.Length, put.Length);
            if (!existed)
            {
                _keys?.Add(key);
            }
        }

        while (_held.TakeSparse(out var sparse))
        {
            // A slab that is mostly superseded: its live records move to the newest, so it can be used again.
            WalkHeld(sparse, MoveToNewest);
        }
    }

    // Under _write: each record of a slab that the index still points at, let go of in the slab (the
    // action moves it or lets it go) until the slab is empty.
    private void WalkHeld(RecordSlabs.Slab slab, HeldRecordAction action)
    {
        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> name = stackalloc char[StorageKey.MaxLength];
        for (var at = 0; at < slab.Used && slab.Live > 0; )
        {
            var length = LogFormat.RecordHeader + (int)BinaryPrimitives.ReadUInt32LittleEndian(slab.Bytes.AsSpan(at));
            var record = slab.Bytes.AsSpan(at, length);
            var keyLength = LogFormat.KeyLength(record);
            var key = name[..Encoding.ASCII.GetChars(record.Slice(LogFormat.RecordHeader + 3, keyLength), name)];
            if (
                lookup.TryGetValue(key, out var actualKey, out var entry)
                && entry.Slab == slab
                && entry.HeldAt == at + LogFormat.ContentStart(keyLength)
            )
            {
                action(actualKey, entry, record);
                _held.Release(slab, record.Length);
            }

            at += record.Length;
        }
    }

    private delegate void HeldRecordAction(string key, Entry entry, ReadOnlySpan<byte> record);

    // The record of a document that is not held in memory, from its segment, checked against its CRC.
    private static byte[] ReadRecord(string key, Entry entry)
    {
        var record = new byte[LogFormat.PutSize(key.Length, entry.Length)];
        var start = entry.Offset - LogFormat.ContentStart(key.Length);
        if (entry.Segment.File.Read(record, start) != record.Length || !LogFormat.BodyHolds(record))
        {
            throw new StorageUnavailableException(
                $"The local store's file '{entry.Segment.Path}' is damaged at byte {start} (the record of '{key}')."
            );
        }

        return record;
    }

    /// <summary>A place in the files: a file's number and an offset in it, ordered.</summary>
    private readonly record struct Position(long Number, long Offset)
    {
        public static Position Max(Position a, Position b) =>
            a.Number > b.Number || a.Number == b.Number && a.Offset >= b.Offset ? a : b;
    }

    /// <summary>Where a document's latest record is (Offset: its content's first byte); for a document
    /// held in memory, also where its record is (HeldAt: its content's first byte in Slab). A struct
    /// with the ETag as a number: the index is most of the store's memory at a million customers.</summary>
    private readonly record struct Entry(
        ulong ETag,
        RecordSlabs.Slab? Slab,
        int HeldAt,
        Segment Segment,
        long Offset,
        int Length
    )
    {
        public Position End => new(Segment.Number, Offset + Length);

        public string ETagText => ETag.ToString("x16", CultureInfo.InvariantCulture);
    }

    private sealed class Segment(string path, long number, bool isBase, IStoreFile file)
    {
        public string Path { get; } = path;

        public long Number { get; } = number;

        public bool IsBase { get; } = isBase;

        public IStoreFile File { get; } = file;

        public long Length { get; set; }

        /// <summary>Where the zeros written ahead of the records end (see <c>Preallocate</c>).</summary>
        public long Allocated { get; set; }
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

    /// <summary>How many documents there are.</summary>
    internal int Count
    {
        get
        {
            lock (_write)
            {
                return _index.Count;
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
}
