namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Opening and closing. At open the files are checked as a chain and replayed into the index, and
/// what a crash can leave is mended: unfinished compaction output and files a base superseded are
/// deleted, a rotation a crash interrupted is undone, and a write cut short at the end of the newest
/// segment is cut and copied aside into <c>cut/</c>. Anything else refuses to open
/// (<see cref="StoreDamagedException"/>). A clean close leaves what the next open checks.
/// </summary>
internal sealed partial class LogDocumentStore
{
    private Segment Replay()
    {
        var scanner = new LogScanner(_files, _folder);
        // What a finished compaction superseded is deleted only once its base has been read whole.
        var files = scanner.Files(tidy: false);
        var closed = ReadClosed();
        if (closed is var (closedAt, _) && (files.Count == 0 || files[^1].Number < closedAt))
        {
            throw new StoreDamagedException(
                Path.Combine(_folder, LogFormat.FileName(closedAt, isBase: false)),
                0,
                StoreDamage.MissingAfter,
                "it was the newest file when the store was closed, and it is missing"
            );
        }

        if (closed is var (closedNumber, closedLength) && files.Count > 0 && files[^1].Number == closedNumber)
        {
            var length = Length(files[^1]);
            if (length < closedLength)
            {
                throw new StoreDamagedException(
                    files[^1].Path,
                    length,
                    StoreDamage.Record,
                    $"it was {closedLength} bytes long when the store was closed, and is cut short"
                );
            }
        }

        if (files is [{ IsBase: false, Number: 1 } only] && Length(only) <= LogFormat.FileHeader)
        {
            // The store's first file, which a crash may have caught before its header was on the disk.
            _files.Delete(only.Path);
            files.Clear();
        }

        if (files.Count == 0)
        {
            return StartFirst();
        }

        // The newest segment holds nothing but (part of) its header: a rotation may have stopped before
        // sealing the one before it, which then is the newest (and the empty one goes).
        var emptyNewest =
            files.Count > 1 && !files[^1].IsBase && !files[^2].IsBase && Length(files[^1]) <= LogFormat.FileHeader;
        var replayed = files.Count - (emptyNewest ? 1 : 0);
        for (var i = 0; i < replayed; i++)
        {
            var about = files[i];
            var newest = i == files.Count - 1 || emptyNewest && i == files.Count - 2;
            var segment = new Segment(about.Path, about.Number, about.IsBase, _files.Open(about.Path, create: false));
            _segments.Add(segment);
            long? previous = i == 0 ? (about.IsBase ? null : 0) : files[i - 1].Number;
            var (end, sealNext) = scanner.Records(
                segment.File,
                about,
                previous,
                newest && !about.IsBase,
                (offset, record) => Apply(segment, offset, record)
            );
            segment.Length = end;
            if (end < segment.File.Length)
            {
                CutTail(segment, end);
            }

            var next = i + 1 < files.Count ? files[i + 1].Number : (long?)null;
            if (emptyNewest && i == files.Count - 2 && sealNext is null)
            {
                StoreLog.RotationUndone(_logger, files[^1].Path);
                _files.Delete(files[^1].Path);
                _files.SyncFolder(_folder);
                emptyNewest = false;
                break;
            }

            if (sealNext != next)
            {
                throw new StoreDamagedException(
                    about.Path,
                    end,
                    StoreDamage.MissingAfter,
                    sealNext is null
                        ? "it ends without its seal: it was cut short, or a file after it is missing"
                        : $"its seal names file {sealNext}, which is missing"
                );
            }
        }

        if (emptyNewest)
        {
            var about = files[^1];
            var segment = new Segment(about.Path, about.Number, isBase: false, _files.Open(about.Path, create: false));
            _segments.Add(segment);
            segment.Length = scanner.Records(segment.File, about, files[^2].Number, newest: false, (_, _) => { }).End;
        }

        var active = _segments[^1];
        // What the replay read is made durable before anything is acknowledged on top of it; the note
        // of a clean close goes, so that it never speaks for a later crash.
        active.File.Sync();
        scanner.Files(tidy: true);
        if (closed is not null)
        {
            _files.Delete(Path.Combine(_folder, LogFormat.ClosedFile));
        }

        _files.SyncFolder(_folder);

        return active;
    }

    private (long Number, long Length)? ReadClosed()
    {
        var path = Path.Combine(_folder, LogFormat.ClosedFile);
        if (!_files.Exists(path))
        {
            return null;
        }

        using var file = _files.Open(path, create: false);
        var bytes = new byte[(int)Math.Min(file.Length, 64)];
        file.Read(bytes, 0);
        return LogFormat.ParseClosed(bytes);
    }

    private long Length(LogScanner.StoreFile file)
    {
        using var opened = _files.Open(file.Path, create: false);
        return opened.Length;
    }

    private Segment StartFirst()
    {
        var path = Path.Combine(_folder, LogFormat.FileName(1, isBase: false));
        var file = _files.Open(path, create: true);
        file.SetLength(0);
        file.Write(LogFormat.EncodeFileHeader(1, isBase: false, previous: 0), 0);
        file.Sync();
        _files.SyncFolder(_folder);
        var segment = new Segment(path, 1, isBase: false, file) { Length = LogFormat.FileHeader };
        _segments.Add(segment);
        return segment;
    }

    // The end of the newest segment a crash left unfinished: never acknowledged, so cut, but first
    // copied aside in case it is something else.
    private void CutTail(Segment segment, long end)
    {
        // Zeros written ahead of the records (Preallocate) hold nothing: they go without a copy.
        var length = LogScanner.EndOfData(segment.File, end);
        if (length == end)
        {
            segment.File.SetLength(end);
            segment.File.Sync();
            return;
        }

        var cut = Path.Combine(_folder, "cut");
        _files.CreateFolder(cut);
        _files.SyncFolder(_folder);
        var aside = Path.Combine(cut, $"{Path.GetFileName(segment.Path)}.at-{end}");
        using (var copy = _files.Open(aside, create: true))
        {
            copy.SetLength(0);
            var buffer = new byte[1 << 20];
            for (var at = end; at < length; )
            {
                var read = segment.File.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - at)), at);
                copy.Write(buffer.AsSpan(0, read), at - end);
                at += read;
            }

            copy.Sync();
        }

        _files.SyncFolder(cut);
        segment.File.SetLength(end);
        segment.File.Sync();
        StoreLog.TailCut(_logger, length - end, end, segment.Path, aside);
    }

    // One replayed record (header included) into the index.
    private void Apply(Segment segment, long offset, ReadOnlySpan<byte> record)
    {
        var key = LogFormat.Key(record);
        if (LogFormat.Kind(record) == LogFormat.Delete)
        {
            Replace(key, null);
            return;
        }

        IndexPut(key, LogFormat.ETagNumber(record), record, segment, offset);
    }

    // What a clean close leaves for the next open: a mark that everything before it is on the disk (so
    // damage anywhere in the file is told), and the newest file's length (so a file cut shorter is seen).
    private void CloseCleanly()
    {
        try
        {
            // A mark that everything before it is on the disk: damage anywhere in the file is then told.
            _active.File.SetLength(_active.Length);
            _active.File.Sync();
            var mark = LogFormat.EncodeMark(_active.Length);
            _active.File.Write(mark, _active.Length);
            _active.File.Sync();
            // And how long the newest file was, so that a file cut shorter while closed is seen.
            using (var closed = _files.Open(Path.Combine(_folder, LogFormat.ClosedFile), create: true))
            {
                closed.SetLength(0);
                closed.Write(LogFormat.EncodeClosed(_active.Number, _active.Length + mark.Length), 0);
                closed.Sync();
            }

            _files.SyncFolder(_folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StoreLog.CloseSyncFailed(_logger, e);
        }
    }

    /// <summary>Closes the store cleanly; a second caller (hosts dispose twice) returns once it is closed.</summary>
    public void Dispose()
    {
        lock (_closing)
        {
            lock (_write)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
            }

            // A compaction that is running finishes (or gives up) before its files are closed under it.
            WaitForCompaction();
            _commit.Dispose();
            CloseCleanly();
            foreach (var segment in _segments)
            {
                segment.File.Dispose();
            }

            _lock.Dispose();
        }
    }
}
