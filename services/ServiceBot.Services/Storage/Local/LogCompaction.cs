using System.Diagnostics;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Compaction: once closed segments hold far more than the live records, the live records are
/// copied into one base file on a thread of its own, paced, and the old segments deleted. A failure
/// changes nothing a replay would read differently, and is logged and counted.
/// </summary>
internal sealed partial class LogDocumentStore
{
    /// <summary>
    /// A compaction writes at most this many bytes a second, synced to disk every <see cref="CompactionStep"/>.
    /// </summary>
    private const long CompactionBytesPerSecond = 64L * 1024 * 1024;

    private const long CompactionStep = 8L * 1024 * 1024;

    private Thread? _compactor;

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

    // Under _write.
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

    // Before the base's rename the old segments hold everything; after it the base stands for them, and
    // old files it could not delete are deleted at the next open. The next closed segment tries again.
    private void CompactOrLeave(List<Segment> closed, List<KeyValuePair<string, Entry>> moving)
    {
        try
        {
            Compact(closed, moving);
        }
        catch (OperationCanceledException)
        {
            // Closing: the old segments hold everything.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageUnavailableException)
        {
            StorageMetrics.CountCompactionFailure();
            StoreLog.CompactionFailed(_logger, e);
        }
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
        var path = Path.Combine(_folder, LogFormat.FileName(last, isBase: true));
        var moved = new List<(string Key, Entry Was, long Offset)>(moving.Count);
        try
        {
            using (var output = _files.Open(path + ".tmp", create: true))
            {
                output.SetLength(0);
                output.Write(LogFormat.EncodeFileHeader(last, isBase: true, previous: 0), 0);
                var pace = Stopwatch.StartNew();
                long at = LogFormat.FileHeader;
                long synced = 0;
                foreach (var (key, entry) in moving)
                {
                    moved.Add((key, entry, at));
                    var record = RecordOf(key, entry);
                    output.Write(record.Span, at);
                    at += record.Length;
                    if (at - synced >= CompactionStep)
                    {
                        output.Sync();
                        synced = at;
                        Pace(pace, synced);
                        if (Volatile.Read(ref _disposed))
                        {
                            // Closing: not worth the wait (paced, a large store takes a while).
                            throw new OperationCanceledException();
                        }
                    }
                }

                output.Write(LogFormat.EncodeSeal(last + 1, 0), at);
                output.Sync();
            }

            _files.Move(path + ".tmp", path);
            _files.SyncFolder(_folder);
        }
        catch
        {
            if (_files.Exists(path + ".tmp"))
            {
                _files.Delete(path + ".tmp");
            }

            throw;
        }

        var based = new Segment(path, last, isBase: true, _files.Open(path, create: false));
        based.Length = based.File.Length;
        lock (_write)
        {
            foreach (var (key, was, offset) in moved)
            {
                // Still the record that was copied (its place in the files is its identity: the entry may
                // have been replaced since with one for the same record held elsewhere in memory).
                var start = offset + LogFormat.ContentStart(key.Length);
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
            segment.File.Dispose();
            if (segment.Path != path)
            {
                _files.Delete(segment.Path);
            }
        }

        _files.SyncFolder(_folder);
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
        var start = LogFormat.ContentStart(key.Length);
        if (entry.Slab is { } slab)
        {
            return slab.Bytes.AsMemory(entry.HeldAt - start, start + entry.Length);
        }

        var record = new byte[start + entry.Length];
        if (entry.Segment.File.Read(record, entry.Offset - start) != record.Length || !LogFormat.BodyHolds(record))
        {
            throw new StorageUnavailableException(
                $"The local store's file '{entry.Segment.Path}' is damaged at byte {entry.Offset - start}."
            );
        }

        return record;
    }
}
