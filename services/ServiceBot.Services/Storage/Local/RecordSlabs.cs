namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Where the local store holds its small documents' records in memory: copied into slabs of 1 MiB,
/// which are used again once emptied. A record kept as an array of its own lives long enough to be
/// promoted through the GC's generations, and copying it there costs pauses under load; in a slab,
/// a write leaves the GC only its small index entry. Slabs are used again so that writes do not keep
/// allocating on the large object heap, whose budget sets off gen2 collections. It relies on the
/// bot's GC settings (a fixed young generation: its project and the Dockerfile).
/// </summary>
/// <remarks>
/// A slab is written front to back. Space a superseded record took is not reused in place; once less
/// than half of a full slab is records the index still points at, the store moves those into the
/// newest slab (<see cref="TakeSparse"/>), and an emptied slab is used again. So memory stays under
/// about twice the live records. Because a slab is written again, nobody may hold a slice of it:
/// the store copies a document out under its lock, and while a compaction copies records outside
/// the lock (<see cref="StartCopying"/>) the slabs it may read wait once emptied: those in use when
/// it started. Not thread-safe: the store calls it under its write lock.
/// </remarks>
internal sealed class RecordSlabs
{
    /// <summary>The size of a slab: large enough for any held record.</summary>
    internal const int SlabSize = 1 << 20;

    // Emptied slabs kept for use again; more are left to the GC.
    private const int SpareLimit = 8;

    private readonly Queue<Slab> _sparse = new();

    // Slabs in the order they were filled, with the serial they had: the oldest are let go first.
    private readonly Queue<(Slab Slab, long Serial)> _filled = new();
    private readonly Stack<Slab> _spare = new();
    private readonly List<Slab> _emptiedWhileCopying = [];
    private Slab _newest = new() { Serial = 1 };
    private long _serial = 1;
    private int _slabs = 1;

    // While a compaction copies: the serial of the newest slab when it started; slabs up to it wait once emptied.
    private long? _copyingUpTo;

    /// <summary>
    /// Bytes of the slabs in use: the newest, and every other that holds a record the index points at.
    /// </summary>
    internal long HeldBytes => (long)_slabs * SlabSize;

    /// <summary>A compaction starts reading the records held now outside the lock: until <see cref="EndCopying"/>,
    /// the slabs in use now are not written again once emptied (slabs taken into use after it are).</summary>
    public void StartCopying() => _copyingUpTo = _newest.Serial;

    /// <summary>The compaction is done reading: the slabs emptied meanwhile may be used again.</summary>
    public void EndCopying()
    {
        _copyingUpTo = null;
        _emptiedWhileCopying.ForEach(Spare);
        _emptiedWhileCopying.Clear();
    }

    /// <summary>Copies a record into the newest slab (another when it is full); returns where it is.</summary>
    public (Slab Slab, int At) Hold(ReadOnlySpan<byte> record)
    {
        if (record.Length > SlabSize - _newest.Used)
        {
            var full = _newest;
            _newest = _spare.TryPop(out var spare) ? spare : new Slab();
            _newest.Serial = ++_serial;
            _filled.Enqueue((full, full.Serial));
            while (_filled.TryPeek(out var head) && !InUse(head))
            {
                _filled.Dequeue();
            }

            _slabs++;
            if (full.Live == 0)
            {
                Emptied(full);
            }

            MarkIfSparse(full);
        }

        var at = _newest.Used;
        record.CopyTo(_newest.Bytes.AsSpan(at));
        _newest.Used += record.Length;
        _newest.Live += record.Length;
        return (_newest, at);
    }

    /// <summary>A record held in <paramref name="slab"/> is superseded (overwritten, deleted or moved).</summary>
    public void Release(Slab slab, int length)
    {
        slab.Live -= length;
        if (slab != _newest && slab.Live == 0)
        {
            Emptied(slab);
            return;
        }

        MarkIfSparse(slab);
    }

    /// <summary>
    /// A full slab that has become less than half live, for the store to move its live records out of.
    /// </summary>
    public bool TakeSparse(out Slab slab)
    {
        while (_sparse.TryDequeue(out slab!))
        {
            // Not one emptied (and perhaps in use again) since it was queued.
            if (slab.Marked && slab != _newest && slab.Live > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The slab filled longest ago that still holds records (not the newest), to let go.</summary>
    public bool TakeOldest(out Slab slab)
    {
        while (_filled.TryDequeue(out var oldest))
        {
            if (InUse(oldest))
            {
                slab = oldest.Slab;
                return true;
            }
        }

        slab = null!;
        return false;
    }

    // Still the slab it was when queued (not emptied and taken into use again), with records in it.
    private bool InUse((Slab Slab, long Serial) queued) =>
        queued.Slab.Serial == queued.Serial && queued.Slab.Live > 0 && queued.Slab != _newest;

    private void MarkIfSparse(Slab slab)
    {
        if (slab != _newest && !slab.Marked && slab.Live * 2 < slab.Used)
        {
            slab.Marked = true;
            _sparse.Enqueue(slab);
        }
    }

    private void Emptied(Slab slab)
    {
        _slabs--;
        if (slab.Serial <= _copyingUpTo)
        {
            _emptiedWhileCopying.Add(slab);
            return;
        }

        Spare(slab);
    }

    private void Spare(Slab slab)
    {
        if (_spare.Count < SpareLimit)
        {
            slab.Used = 0;
            slab.Live = 0;
            slab.Marked = false;
            _spare.Push(slab);
        }
    }

    internal sealed class Slab
    {
        public byte[] Bytes { get; } = GC.AllocateUninitializedArray<byte>(SlabSize);

        /// <summary>Bytes written, from the front.</summary>
        public int Used { get; set; }

        /// <summary>Bytes of records the index still points at.</summary>
        public int Live { get; set; }

        /// <summary>Queued for its live records to be moved out.</summary>
        public bool Marked { get; set; }

        /// <summary>When it last became the newest: a number that only grows.</summary>
        public long Serial { get; set; }
    }
}
