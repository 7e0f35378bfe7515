namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Reads a log store's folder as the store opens it and as <c>store verify</c> checks it: which
/// files there are and in what order (each file names the one before it, each but the newest ends
/// with a seal naming the next), and each file's records, every one checked against its checksums.
/// </summary>
internal sealed class LogScanner(IStoreFiles files, string folder)
{
    /// <summary>A record of a file (header included) at its offset.</summary>
    public delegate void RecordHandler(long offset, ReadOnlySpan<byte> record);

    /// <summary>The store's files in replay order: the newest base, then the segments after it.</summary>
    /// <param name="tidy">Deletes what a crash left: unfinished compaction output, files a base superseded.</param>
    public List<StoreFile> Files(bool tidy)
    {
        var all = new List<StoreFile>();
        foreach (var name in files.List(folder))
        {
            if (name.EndsWith(".tmp", StringComparison.Ordinal) && tidy)
            {
                files.Delete(Path.Combine(folder, name));
            }
            else if (LogFormat.ParseName(name) is var (number, isBase))
            {
                all.Add(new StoreFile(Path.Combine(folder, name), number, isBase));
            }
        }

        all.Sort((a, b) => a.Number != b.Number ? a.Number.CompareTo(b.Number) : a.IsBase.CompareTo(b.IsBase));
        var newestBase = all.FindLastIndex(f => f.IsBase);
        if (newestBase > 0)
        {
            // A compaction that finished: its base stands for everything up to its number.
            foreach (var superseded in all.Take(newestBase).Where(_ => tidy))
            {
                files.Delete(superseded.Path);
            }

            all.RemoveRange(0, newestBase);
        }

        return all;
    }

    /// <summary>
    /// Reads one file's header and records. Damage throws <see cref="StoreDamagedException"/>; in the
    /// newest segment, a bad record with nothing after it that proves it was on the disk is a write a
    /// crash interrupted: the scan stops there and says where.
    /// </summary>
    /// <param name="file">The file, open.</param>
    /// <param name="about">Its path, number and kind.</param>
    /// <param name="previous">The number of the file before it (0: the store's first), or null when any.</param>
    /// <param name="newest">Whether it is the newest segment, where a crash can leave a write cut short.</param>
    /// <param name="onRecord">Called for each put and delete.</param>
    /// <returns>Where the file's good records end, and the file its seal names (null: not sealed).</returns>
    public (long End, long? SealNext) Records(
        IStoreFile file,
        StoreFile about,
        long? previous,
        bool newest,
        RecordHandler onRecord
    )
    {
        var length = file.Length;
        Span<byte> header = stackalloc byte[LogFormat.FileHeader];
        var read = file.Read(header, 0);
        if (LogFormat.ParseFileHeader(header[..read], about.IsBase, out var why) is not var (number, before))
        {
            throw new StoreDamagedException(about.Path, 0, StoreDamage.Header, $"it cannot be read: {why}");
        }

        if (number != about.Number)
        {
            throw new StoreDamagedException(about.Path, 0, StoreDamage.Header, $"its header says it is file {number}");
        }

        if (previous is { } expected && before != expected)
        {
            throw new StoreDamagedException(
                about.Path,
                0,
                StoreDamage.MissingBefore,
                before == 0
                    ? $"it says it is the store's first file, after file {expected}"
                    : $"file {before}, which comes before it, is missing"
            );
        }

        var reader = new Reader(file, length);
        long offset = LogFormat.FileHeader;
        long? sealNext = null;
        while (offset < length)
        {
            if (sealNext is not null)
            {
                throw new StoreDamagedException(about.Path, offset, StoreDamage.Record, "there is data after its seal");
            }

            var record = RecordAt(reader, offset, length);
            if (record.IsEmpty)
            {
                if (newest && !ProvenOnDisk(reader, offset, length))
                {
                    return (offset, null);
                }

                throw new StoreDamagedException(
                    about.Path,
                    offset,
                    StoreDamage.Record,
                    offset + LogFormat.RecordHeader > length
                        ? "the file ends inside a record"
                        : "a record fails its checksum or runs past the end"
                );
            }

            var kind = LogFormat.Kind(record);
            if (kind == LogFormat.Seal)
            {
                sealNext = LogFormat.SealNext(record);
            }
            else if (kind != LogFormat.Mark)
            {
                onRecord(offset, record);
            }

            offset += record.Length;
        }

        return (offset, sealNext);
    }

    /// <summary>Where the file's last byte that is not zero ends (at least <paramref name="from"/>).</summary>
    public static long EndOfData(IStoreFile file, long from)
    {
        var buffer = new byte[64 * 1024];
        for (var end = file.Length; end > from; )
        {
            var start = Math.Max(from, end - buffer.Length);
            var chunk = buffer.AsSpan(0, (int)(end - start));
            if (file.Read(chunk, start) < chunk.Length)
            {
                return end; // shorter than it said: whatever is there is kept
            }

            var last = chunk.LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                return start + last + 1;
            }

            end = start;
        }

        return from;
    }

    // A whole good record at offset, or null.
    private static ReadOnlySpan<byte> RecordAt(Reader reader, long offset, long length)
    {
        if (offset + LogFormat.RecordHeader > length)
        {
            return default;
        }

        var header = LogFormat.ParseHeader(reader.Get(offset, LogFormat.RecordHeader));
        if (header is not var (bodyLength, _) || offset + LogFormat.RecordHeader + bodyLength > length)
        {
            return default;
        }

        var record = reader.Get(offset, LogFormat.RecordHeader + bodyLength);
        return LogFormat.BodyHolds(record) ? record : default;
    }

    // Whether a good record after a bad one at offset says the bad one had been synced: then it is damage
    // to what was acknowledged, not a write a power cut interrupted. Every byte after it is tried as a start.
    private static bool ProvenOnDisk(Reader reader, long bad, long length)
    {
        for (var at = bad + 1; at + LogFormat.RecordHeader <= length; at++)
        {
            var header = LogFormat.ParseHeader(reader.Get(at, LogFormat.RecordHeader));
            if (header is var (_, synced) && synced > bad && RecordAt(reader, at, length).Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A file of the store: its path, number and kind.</summary>
    public readonly record struct StoreFile(string Path, long Number, bool IsBase);

    // Reads a file front to back through a window of 1 MiB (larger for a larger record).
    private sealed class Reader(IStoreFile file, long length)
    {
        private byte[] _buffer = new byte[1 << 20];
        private long _start;
        private int _count;

        public ReadOnlySpan<byte> Get(long offset, int count)
        {
            if (offset >= _start && offset + count <= _start + _count)
            {
                return _buffer.AsSpan((int)(offset - _start), count);
            }

            if (count > _buffer.Length)
            {
                _buffer = new byte[count];
            }

            _start = offset;
            _count = file.Read(_buffer.AsSpan(0, (int)Math.Min(_buffer.Length, length - offset)), offset);
            return _buffer.AsSpan(0, Math.Min(count, _count));
        }
    }
}

/// <summary>What is wrong with a store file.</summary>
internal enum StoreDamage
{
    /// <summary>A record fails its checksums, or the file ends inside one.</summary>
    Record,

    /// <summary>The file's header cannot be read.</summary>
    Header,

    /// <summary>The file before it is missing.</summary>
    MissingBefore,

    /// <summary>The file after it (named by its seal) is missing, or it ends without a seal.</summary>
    MissingAfter,
}

/// <summary>The local store refuses to open: a file is damaged or missing (file and offset named).</summary>
internal sealed class StoreDamagedException(string path, long offset, StoreDamage damage, string why)
    : StorageUnavailableException(
        $"The local store's file '{path}' is damaged at byte {offset}: {why}. Nothing was changed; "
            + "see infra/RUNBOOK.md, \"What the store can say\"."
    )
{
    public string FilePath { get; } = path;

    public long Offset { get; } = offset;

    public StoreDamage Damage { get; } = damage;

    public string Why { get; } = why;
}
