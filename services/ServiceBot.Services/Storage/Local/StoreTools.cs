using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// <c>store verify|repair|backup|restore</c>: what an operator does with the local store's folder.
/// Verify and repair need the bot stopped (they take the folder's lock); backup runs beside it.
/// </summary>
internal static class StoreTools
{
    /// <summary>Opens the store, changing nothing: what the next start would do, or where it is damaged.</summary>
    public static (StoreDamagedException? Damage, IReadOnlyList<string> Notes, int Documents) Verify(string folder)
    {
        var notes = new NoteLogger();
        try
        {
            using var store = new LogDocumentStore(folder, logger: notes, files: new ReadOnlyFiles(DiskFiles.Instance));
            return (null, notes.Lines, store.Count);
        }
        catch (StoreDamagedException damage)
        {
            return (damage, notes.Lines, 0);
        }
    }

    /// <summary>
    /// Copies the folder aside, then cuts at each damage until the store opens: a damaged record and
    /// what follows it in its file is cut, a file whose header is unreadable is set aside, and the chain
    /// is linked again around what is missing. Returns what it did and where the original is.
    /// </summary>
    public static (IReadOnlyList<string> Actions, string Original) Repair(string folder, TimeProvider time)
    {
        var original = $"{folder}.before-repair-{time.GetUtcNow():yyyyMMddHHmmss}";
        CopyFolder(folder, original);
        var actions = new List<string>();
        for (var round = 0; round < 1000; round++)
        {
            var (damage, _, _) = Verify(folder);
            if (damage is null)
            {
                return (actions, original);
            }

            actions.Add(Mend(folder, damage));
        }

        throw new InvalidOperationException("The store still does not open after 1,000 repairs; restore a backup.");
    }

    /// <summary>
    /// A consistent copy of a store that may be running: its files, copied again if a compaction or
    /// a new segment changed them meanwhile, until the copy opens.
    /// </summary>
    public static int Backup(string folder, string target)
    {
        RefuseOverlap(folder, target);
        for (var attempt = 1; ; attempt++)
        {
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            PrivateFiles.CreateFolder(target);
            try
            {
                foreach (var file in new LogScanner(DiskFiles.Instance, folder).Files(tidy: false))
                {
                    File.Copy(file.Path, Path.Combine(target, Path.GetFileName(file.Path)));
                    PrivateFiles.Restrict(Path.Combine(target, Path.GetFileName(file.Path)));
                }
            }
            catch (FileNotFoundException) when (attempt < 10)
            {
                continue; // a compaction deleted a file under the copy
            }

            var (damage, _, documents) = Verify(target);
            if (damage is null)
            {
                return documents;
            }

            if (attempt >= 10)
            {
                throw damage;
            }
        }
    }

    /// <summary>Puts a backup in place of the folder (whose files are moved aside), once the backup opens.</summary>
    public static string Restore(string backup, string folder, TimeProvider time)
    {
        RefuseOverlap(folder, backup);
        var (damage, _, _) = Verify(backup);
        if (damage is not null)
        {
            throw damage;
        }

        // Copied beside the folder first, then swapped in under the folder's lock (refused while the bot runs).
        var aside = $"{folder}.before-restore-{time.GetUtcNow():yyyyMMddHHmmss}";
        var restoring = $"{folder}.restoring";
        using (DiskFiles.Instance.Lock(PrivateFolder(folder)))
        {
            if (Directory.Exists(restoring))
            {
                Directory.Delete(restoring, recursive: true);
            }

            CopyFolder(backup, restoring);
            Directory.Move(folder, aside);
            Directory.Move(restoring, folder);
        }

        return aside;
    }

    // A backup inside the store (or the store inside it) would be deleted or copied into itself.
    private static void RefuseOverlap(string folder, string other)
    {
        var a = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        var b = Path.TrimEndingDirectorySeparator(Path.GetFullPath(other)) + Path.DirectorySeparatorChar;
        if (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{other}' and the store's folder '{folder}' must not contain one another.");
        }
    }

    private static string PrivateFolder(string folder)
    {
        PrivateFiles.CreateFolder(folder);
        return folder;
    }

    // One repair: cut, set aside or link again, at the damage the store reported.
    private static string Mend(string folder, StoreDamagedException damage)
    {
        var files = new LogScanner(DiskFiles.Instance, folder).Files(tidy: false);
        var at = files.FindIndex(f => f.Path == damage.FilePath);
        var next = at + 1 < files.Count ? files[at + 1].Number : (long?)null;
        using var file = DiskFiles.Instance.Open(damage.FilePath, create: false);
        var length = file.Length;
        switch (damage.Damage)
        {
            case StoreDamage.Header:
                File.Delete(damage.FilePath);
                return $"set aside {damage.FilePath} ({length} bytes): {damage.Why}";
            case StoreDamage.MissingBefore:
                var previous = at > 0 ? files[at - 1].Number : 0;
                file.Write(LogFormat.EncodeFileHeader(files[at].Number, files[at].IsBase, previous), 0);
                file.Sync();
                return $"linked {damage.FilePath} to file {previous}: {damage.Why}";
            case StoreDamage.Record when damage.Offset >= length:
                File.Delete(Path.Combine(folder, LogFormat.ClosedFile));
                return $"accepted {damage.FilePath} as it is: {damage.Why}";
            default:
                // Record damage: cut there; a seal naming a missing file: cut it. Seal again if a file follows.
                var cut = Math.Min(damage.Offset, length);
                if (damage.Damage == StoreDamage.MissingAfter && EndsWithSeal(file, cut))
                {
                    cut -= LogFormat.RecordSize(LogFormat.Seal, 0, 8);
                }

                file.SetLength(cut);
                if (next is { } following)
                {
                    file.Write(LogFormat.EncodeSeal(following, cut), cut);
                }

                file.Sync();
                return $"cut {length - cut} bytes at byte {cut} of {damage.FilePath}: {damage.Why}";
        }
    }

    private static bool EndsWithSeal(IStoreFile file, long end)
    {
        var record = new byte[LogFormat.RecordSize(LogFormat.Seal, 0, 8)];
        return end - record.Length >= LogFormat.FileHeader
            && file.Read(record, end - record.Length) == record.Length
            && LogFormat.ParseHeader(record) is not null
            && LogFormat.BodyHolds(record)
            && LogFormat.Kind(record) == LogFormat.Seal;
    }

    private static void CopyFolder(string from, string to)
    {
        PrivateFiles.CreateFolder(to);
        foreach (var path in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, path));
            PrivateFiles.CreateFolder(Path.GetDirectoryName(copy)!);
            File.Copy(path, copy, overwrite: true);
            PrivateFiles.Restrict(copy);
        }
    }

    // The lines the store would log at open: what it would cut or undo.
    private sealed class NoteLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (IsEnabled(logLevel))
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }

    // The disk, read as it is: every change the store would make is left undone.
    private sealed class ReadOnlyFiles(IStoreFiles disk) : IStoreFiles
    {
        public IStoreFile Open(string path, bool create) =>
            disk.Exists(path) || !create ? new ReadOnlyFile(disk.Open(path, create: false)) : new NoFile(path);

        public IReadOnlyList<string> List(string folder) => disk.List(folder);

        public bool Exists(string path) => disk.Exists(path);

        public void Delete(string path) { }

        public void Move(string from, string to) { }

        public void SyncFolder(string folder) { }

        public void CreateFolder(string folder) { }

        public IDisposable Lock(string folder) =>
            Directory.Exists(folder) ? disk.Lock(folder) : throw new DirectoryNotFoundException(folder);
    }

    private sealed class ReadOnlyFile(IStoreFile file) : IStoreFile
    {
        public string Path => file.Path;

        public long Length => file.Length;

        public int Read(Span<byte> buffer, long offset) => file.Read(buffer, offset);

        public void Write(ReadOnlySpan<byte> data, long offset) { }

        public void SetLength(long length) { }

        public void Sync() { }

        public void Dispose() => file.Dispose();
    }

    private sealed class NoFile(string path) : IStoreFile
    {
        public string Path { get; } = path;

        public long Length => 0;

        public int Read(Span<byte> buffer, long offset) => 0;

        public void Write(ReadOnlySpan<byte> data, long offset) { }

        public void SetLength(long length) { }

        public void Sync() { }

        public void Dispose() { }
    }
}
