using System.Buffers.Binary;
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
            Entry? entry;
            lock (_write)
            {
                if (!_index.TryGetValue(key, out entry))
                {
                    return (null, default);
                }

                // A copy: the slab it is held in is written again once emptied.
                if (entry.Slab is { } slab)
                {
                    var bytes = slab.Bytes.AsSpan(entry.HeldAt, entry.Length).ToArray();
                    return (new StoredDocument(bytes, entry.ETag), entry.End);
                }
            }

            try
            {
                return (new StoredDocument(ReadContent(key, entry), entry.ETag), entry.End);
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

    // Under _write: a put's record (header included) that is now in the segment at offset; a small
    // document's record is held in memory too.
    private void IndexPut(string key, string etag, ReadOnlySpan<byte> record, Segment segment, long offset)
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
    }

    // Under _write: the index, its sorted keys (once the replay is done), the held records and the
    // live bytes for a put (entry) or a delete (null).
    private void Replace(string key, Entry? entry)
    {
        if (_index.TryGetValue(key, out var old))
        {
            _liveBytes -= LogFormat.PutSize(key.Length, old.Length);
            if (old.Slab is { } slab)
            {
                _held.Release(slab, LogFormat.PutSize(key.Length, old.Length));
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
            _liveBytes += LogFormat.PutSize(key.Length, entry.Length);
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
            var length = LogFormat.RecordHeader + (int)BinaryPrimitives.ReadUInt32LittleEndian(slab.Bytes.AsSpan(at));
            var record = slab.Bytes.AsSpan(at, length);
            var keyLength = LogFormat.KeyLength(record);
            var key = name[..Encoding.ASCII.GetChars(record.Slice(LogFormat.RecordHeader + 3, keyLength), name)];
            var start = LogFormat.ContentStart(keyLength);
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

    // The content of a document that is not held in memory, from its segment, checked against its CRC.
    private static byte[] ReadContent(string key, Entry entry)
    {
        var record = new byte[LogFormat.PutSize(key.Length, entry.Length)];
        var start = entry.Offset - LogFormat.ContentStart(key.Length);
        if (entry.Segment.File.Read(record, start) != record.Length || !LogFormat.BodyHolds(record))
        {
            throw new StorageUnavailableException(
                $"The local store's file '{entry.Segment.Path}' is damaged at byte {start} (the record of '{key}')."
            );
        }

        return record[LogFormat.ContentStart(key.Length)..];
    }

    /// <summary>A place in the files: a file's number and an offset in it, ordered.</summary>
    private readonly record struct Position(long Number, long Offset)
    {
        public static Position Max(Position a, Position b) =>
            a.Number > b.Number || a.Number == b.Number && a.Offset >= b.Offset ? a : b;
    }

    /// <summary>Where a document's latest record is (Offset: its content's first byte); for a small
    /// document, also where its record is held in memory (HeldAt: its content's first byte in Slab).</summary>
    private sealed record Entry(
        string ETag,
        RecordSlabs.Slab? Slab,
        int HeldAt,
        Segment Segment,
        long Offset,
        int Length
    )
    {
        public Position End => new(Segment.Number, Offset + Length);
    }

    private sealed class Segment(string path, long number, bool isBase, IStoreFile file)
    {
        public string Path { get; } = path;

        public long Number { get; } = number;

        public bool IsBase { get; } = isBase;

        public IStoreFile File { get; } = file;

        public long Length { get; set; }
    }
}
