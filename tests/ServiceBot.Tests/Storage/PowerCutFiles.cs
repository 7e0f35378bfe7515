using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

/// <summary>
/// A disk in memory whose power can be cut. Like a real one (and stricter than ext4), what was not
/// synced may be lost: each unsynced write, in pieces split at 512-byte boundaries, survives or not
/// independently and in any order across files; an unsynced length change likewise; creates, renames
/// and deletes in a folder survive up to some point unless the folder was synced. A full disk refuses
/// a write after taking part of it, as a real one can.
/// </summary>
internal sealed class PowerCutFiles : IStoreFiles
{
    private const int Block = 512;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Inode> _names;
    private readonly Dictionary<string, Inode> _durableNames;
    private readonly List<(string Folder, string Path, Inode? To)> _pendingNames = [];
    private readonly HashSet<string> _locked = [];

    public PowerCutFiles()
        : this([]) { }

    private PowerCutFiles(Dictionary<string, Inode> names)
    {
        _names = new Dictionary<string, Inode>(names, StringComparer.Ordinal);
        _durableNames = new Dictionary<string, Inode>(names, StringComparer.Ordinal);
    }

    /// <summary>A copy of the disk with these files, all on it (for a test to damage one).</summary>
    public static PowerCutFiles Of(IReadOnlyDictionary<string, byte[]> files) =>
        new(files.ToDictionary(p => p.Key, p => Inode.Durable(p.Value), StringComparer.Ordinal));

    /// <summary>Every file and its bytes now.</summary>
    public Dictionary<string, byte[]> Snapshot()
    {
        lock (_gate)
        {
            return _names.ToDictionary(p => p.Key, p => p.Value.Bytes.ToArray(), StringComparer.Ordinal);
        }
    }

    /// <summary>Writes to paths this matches fail (a disk error where it is wanted).</summary>
    public Func<string, bool>? FailWrites { get; set; }

    /// <summary>Bytes the disk holds before a write fails (null: no limit).</summary>
    public long? Capacity { get; set; }

    /// <summary>The disk as it comes back after a power cut now: what was synced, and some of the rest.</summary>
    public PowerCutFiles CutPower(Random random)
    {
        lock (_gate)
        {
            var names = new Dictionary<string, Inode>(_durableNames, StringComparer.Ordinal);
            var kept = random.Next(_pendingNames.Count + 1);
            foreach (var (_, path, to) in _pendingNames.Take(kept))
            {
                if (to is null)
                {
                    names.Remove(path);
                }
                else
                {
                    names[path] = to;
                }
            }

            var after = new Dictionary<Inode, Inode>();
            return new PowerCutFiles(
                names.ToDictionary(
                    p => p.Key,
                    p => after.TryGetValue(p.Value, out var known) ? known : after[p.Value] = p.Value.AfterCut(random),
                    StringComparer.Ordinal
                )
            );
        }
    }

    /// <summary>A file's bytes as they are now (for a test to damage or inspect).</summary>
    public byte[] this[string path]
    {
        get
        {
            lock (_gate)
            {
                return [.. _names[path].Bytes];
            }
        }
        set
        {
            lock (_gate)
            {
                _names[path] = Inode.Durable(value);
                _durableNames[path] = _names[path];
            }
        }
    }

    public IStoreFile Open(string path, bool create)
    {
        lock (_gate)
        {
            if (!_names.TryGetValue(path, out var inode))
            {
                if (!create)
                {
                    throw new FileNotFoundException("No such file.", path);
                }

                inode = _names[path] = new Inode();
                _pendingNames.Add((Path.GetDirectoryName(path)!, path, inode));
            }

            return new File(this, path, inode);
        }
    }

    public IReadOnlyList<string> List(string folder)
    {
        lock (_gate)
        {
            return [.. _names.Keys.Where(p => Path.GetDirectoryName(p) == folder).Select(Path.GetFileName)!];
        }
    }

    public bool Exists(string path)
    {
        lock (_gate)
        {
            return _names.ContainsKey(path);
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            if (_names.Remove(path))
            {
                _pendingNames.Add((Path.GetDirectoryName(path)!, path, null));
            }
        }
    }

    public void Move(string from, string to)
    {
        lock (_gate)
        {
            var inode = _names[from];
            _names.Remove(from);
            _names[to] = inode;
            _pendingNames.Add((Path.GetDirectoryName(to)!, to, inode));
            _pendingNames.Add((Path.GetDirectoryName(from)!, from, null));
        }
    }

    public void SyncFolder(string folder)
    {
        lock (_gate)
        {
            foreach (var (_, path, to) in _pendingNames.Where(p => p.Folder == folder))
            {
                if (to is null)
                {
                    _durableNames.Remove(path);
                }
                else
                {
                    _durableNames[path] = to;
                }
            }

            _pendingNames.RemoveAll(p => p.Folder == folder);
        }
    }

    public void CreateFolder(string folder) { }

    public IDisposable Lock(string folder)
    {
        lock (_gate)
        {
            if (!_locked.Add(folder))
            {
                throw new IOException("Locked by another process.");
            }

            return new Unlock(() =>
            {
                lock (_gate)
                {
                    _locked.Remove(folder);
                }
            });
        }
    }

    /// <summary>Bytes in files now.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return Used();
            }
        }
    }

    private long Used() => _names.Values.Distinct().Sum(i => (long)i.Bytes.Count);

    private sealed class Unlock(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    // A file's bytes now, as they were at its last sync, and the changes since.
    private sealed class Inode
    {
        public List<byte> Bytes { get; private set; } = [];

        private List<byte> _synced = [];
        private readonly List<(long Offset, byte[]? Data, long Length)> _pending = [];

        public static Inode Durable(byte[] bytes) => new() { Bytes = [.. bytes], _synced = [.. bytes] };

        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            Apply(Bytes, offset, data);
            _pending.Add((offset, data.ToArray(), 0));
        }

        public void SetLength(long length)
        {
            Resize(Bytes, length);
            _pending.Add((0, null, length));
        }

        public void Sync()
        {
            _synced = [.. Bytes];
            _pending.Clear();
        }

        public Inode AfterCut(Random random)
        {
            var bytes = new List<byte>(_synced);
            foreach (var (offset, data, length) in _pending)
            {
                if (data is null)
                {
                    if (random.Next(2) == 0)
                    {
                        Resize(bytes, length);
                    }

                    continue;
                }

                // Torn at block boundaries: each piece lands or not.
                for (var at = 0; at < data.Length; )
                {
                    var piece = (int)Math.Min(data.Length - at, Block - (offset + at) % Block);
                    if (random.Next(2) == 0)
                    {
                        Apply(bytes, offset + at, data.AsSpan(at, piece));
                    }

                    at += piece;
                }
            }

            return Durable([.. bytes]);
        }

        private static void Apply(List<byte> bytes, long offset, ReadOnlySpan<byte> data)
        {
            if (bytes.Count < offset + data.Length)
            {
                Resize(bytes, offset + data.Length);
            }

            for (var i = 0; i < data.Length; i++)
            {
                bytes[(int)offset + i] = data[i];
            }
        }

        private static void Resize(List<byte> bytes, long length)
        {
            if (bytes.Count > length)
            {
                bytes.RemoveRange((int)length, bytes.Count - (int)length);
            }
            else
            {
                bytes.AddRange(new byte[length - bytes.Count]);
            }
        }
    }

    private sealed class File(PowerCutFiles disk, string path, Inode inode) : IStoreFile
    {
        private bool _closed;

        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (disk._gate)
                {
                    return inode.Bytes.Count;
                }
            }
        }

        public int Read(Span<byte> buffer, long offset)
        {
            lock (disk._gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var count = (int)Math.Max(0, Math.Min(buffer.Length, inode.Bytes.Count - offset));
                for (var i = 0; i < count; i++)
                {
                    buffer[i] = inode.Bytes[(int)offset + i];
                }

                return count;
            }
        }

        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            lock (disk._gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                if (disk.FailWrites?.Invoke(Path) == true)
                {
                    throw new IOException("Input/output error.");
                }

                var room = disk.Capacity - disk.Used() + Math.Max(0, inode.Bytes.Count - offset);
                if (room < data.Length)
                {
                    // As a real disk can: part of the write lands, then it fails.
                    inode.Write(data[..(int)Math.Max(0, room!.Value / 2)], offset);
                    throw new IOException("No space left on device.");
                }

                inode.Write(data, offset);
            }
        }

        public void SetLength(long length)
        {
            lock (disk._gate)
            {
                inode.SetLength(length);
            }
        }

        public void Sync()
        {
            lock (disk._gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                inode.Sync();
            }
        }

        public void Dispose()
        {
            lock (disk._gate)
            {
                _closed = true;
            }
        }
    }
}
