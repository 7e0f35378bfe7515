using System.Buffers;
using System.Globalization;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Writing: a write's condition is checked against the index and its record appended under one lock;
/// a full segment is sealed and the next started; a failed append is cut back so that no later
/// record follows part of one.
/// </summary>
internal sealed partial class LogDocumentStore
{
    private static readonly byte[] Zeros = new byte[1 << 20];

    /// <summary>Writes without a condition or a wait for the disk (imports, which call <see cref="Flush"/>).</summary>
    internal void WriteUnsynced(string key, ReadOnlySpan<byte> content) => TryWrite(key, content, WriteCondition.None);

    /// <summary>Deletes without a wait for the disk (bulk imports, which call <see cref="Flush"/>).</summary>
    internal void DeleteUnsynced(string key)
    {
        var record = new byte[LogFormat.RecordSize(LogFormat.Delete, key.Length, 0)];
        LogFormat.Encode(LogFormat.Delete, key, null, [], 0, record);
        lock (_write)
        {
            ThrowIfUnusable();
            if (_index.ContainsKey(key))
            {
                _lastDelete = Append(key, record);
                Replace(key, null);
            }
        }
    }

    /// <summary>Puts everything written so far on the disk.</summary>
    internal void Flush()
    {
        lock (_write)
        {
            SyncOrBreak(_active.File);
            _commit.Advance(_active.Number, _active.Length);
        }
    }

    private (string? ETag, Position At) TryWrite(string key, ReadOnlySpan<byte> content, WriteCondition condition)
    {
        var number = NewETag();
        var etag = number.ToString("x16", CultureInfo.InvariantCulture);
        var buffer = ArrayPool<byte>.Shared.Rent(LogFormat.PutSize(key.Length, content.Length));
        try
        {
            var record = LogFormat.Encode(LogFormat.Put, key, etag, content, 0, buffer);
            lock (_write)
            {
                ThrowIfUnusable();
                var exists = _index.TryGetValue(key, out var current);
                var holds = condition.Kind switch
                {
                    WriteConditionKind.IfAbsent => !exists,
                    WriteConditionKind.IfMatch => exists && current.ETagText == condition.ETag,
                    _ => true,
                };
                if (!holds)
                {
                    return (null, exists ? current.End : _lastDelete);
                }

                var at = Append(key, record);
                IndexPut(key, number, record, _active, at.Offset - record.Length);
                return (etag, at);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Under _write: appends the record (its synced length stamped) to the newest segment, starting a
    // new one when full; returns where the record ends.
    private Position Append(string key, Span<byte> record)
    {
        if (_active.Length >= _segmentLimit)
        {
            Rotate();
        }

        LogFormat.StampSynced(record, Math.Max(_commit.DurableIn(_active.Number), LogFormat.FileHeader));
        Preallocate(record.Length);
        try
        {
            _active.File.Write(record, _active.Length);
        }
        catch (IOException e)
        {
            _writesFailing = true;
            CutBack();
            throw new StorageUnavailableException($"The local store failed to write '{key}': {e.Message}", e);
        }

        _writesFailing = false;
        _active.Length += record.Length;
        return new Position(_active.Number, _active.Length);
    }

    // Appends overwrite zeros written ahead of them, so that a sync of the newest file writes its data
    // without changing its size, which on ext4 needs a journal commit each time (the group commit's
    // syncs cost a fifth of a turn without this). A disk too full for the zeros gets the record alone.
    private void Preallocate(int needed)
    {
        if (_active.Length + needed <= _active.Allocated)
        {
            return;
        }

        var from = Math.Max(_active.Length, _active.Allocated);
        try
        {
            _active.File.Write(Zeros, from);
            _active.Allocated = from + Zeros.Length;
        }
        catch (IOException e)
        {
            StoreLog.PreallocateFailed(_logger, e, _active.Path);
            CutBack();
        }
    }

    // A failed append may have left part of its record: cut so that no later record follows it.
    private void CutBack()
    {
        _active.Allocated = _active.Length;
        try
        {
            _active.File.SetLength(_active.Length);
        }
        catch (IOException e)
        {
            StoreLog.CutBackFailed(_logger, e, _active.Path);
        }
    }

    // Under _write: the next segment is made durable before the current one is sealed, so a seal
    // always names a file that exists, and an unsealed segment before an empty one is a rotation a
    // crash interrupted.
    // A failed fsync may have dropped what the kernel held: the store takes no more writes.
    private void SyncOrBreak(IStoreFile file)
    {
        try
        {
            file.Sync();
        }
        catch (IOException e)
        {
            _commit.Fail(e);
            throw;
        }
    }

    private void Rotate()
    {
        var number = _active.Number + 1;
        var path = Path.Combine(_folder, LogFormat.FileName(number, isBase: false));
        IStoreFile? next = null;
        try
        {
            next = _files.Open(path, create: true);
            next.SetLength(0);
            next.Write(LogFormat.EncodeFileHeader(number, isBase: false, previous: _active.Number), 0);
            SyncOrBreak(next);
            _files.SyncFolder(_folder);
            // Its zeros go first: a seal ends a file.
            _active.File.SetLength(_active.Length);
            // Synced before its seal, and the seal says so: a seal on the disk proves everything before it was.
            SyncOrBreak(_active.File);
            var seal = LogFormat.EncodeSeal(number, _active.Length);
            _active.File.Write(seal, _active.Length);
            SyncOrBreak(_active.File);
            _active.Length += seal.Length;
        }
        catch (IOException e)
        {
            next?.Dispose();
            _writesFailing = true;
            CutBack();
            throw new StorageUnavailableException($"The local store could not start '{path}': {e.Message}", e);
        }

        _commit.Advance(_active.Number, _active.Length);
        _active = new Segment(path, number, isBase: false, next) { Length = LogFormat.FileHeader };
        _segments.Add(_active);
        _commit.Advance(number, LogFormat.FileHeader);
        CompactIfWorthIt();
    }
}
