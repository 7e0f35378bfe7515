using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

public sealed class RecordSlabsTests
{
    // Four records fill a slab exactly.
    private static readonly byte[] Quarter = new byte[RecordSlabs.SlabSize / 4];

    private readonly RecordSlabs _slabs = new();

    [Fact]
    public void WhileACompactionCopies_TheSlabsItMayRead_AreNotWrittenAgain_ButLaterOnesAre()
    {
        var first = FillOne();
        var second = _slabs.Hold(Quarter).Slab;
        _slabs.StartCopying();

        // Emptied while the compaction may still read them: they wait, and a new slab is taken.
        Empty(first);
        Hold(3);
        Empty(second);
        var third = _slabs.Hold(Quarter).Slab;
        Assert.NotSame(first, third);
        Assert.NotSame(second, third);

        // Taken into use after the compaction started: emptied, it is used again at once.
        Hold(3);
        var fourth = _slabs.Hold(Quarter).Slab;
        Empty(third);
        Hold(3);
        Assert.Same(third, _slabs.Hold(Quarter).Slab);

        // The compaction is done: the two that waited are used again.
        _slabs.EndCopying();
        var next = new List<RecordSlabs.Slab>();
        for (var i = 0; i < 2; i++)
        {
            Hold(3);
            next.Add(_slabs.Hold(Quarter).Slab);
        }

        Assert.Contains(next, slab => ReferenceEquals(slab, first));
        Assert.Contains(next, slab => ReferenceEquals(slab, second));
        Assert.DoesNotContain(next, slab => ReferenceEquals(slab, fourth));
    }

    [Fact]
    public void ASlabThatIsLessThanHalfLive_IsOfferedOnce_ForItsRecordsToBeMoved()
    {
        var slab = FillOne();
        _slabs.Hold(Quarter);
        _slabs.Release(slab, Quarter.Length);
        Assert.False(_slabs.TakeSparse(out _));

        _slabs.Release(slab, Quarter.Length);
        _slabs.Release(slab, Quarter.Length);
        Assert.True(_slabs.TakeSparse(out var sparse));
        Assert.Same(slab, sparse);
        Assert.False(_slabs.TakeSparse(out _));
        Assert.Equal(2L * RecordSlabs.SlabSize, _slabs.HeldBytes);

        _slabs.Release(slab, Quarter.Length);
        Assert.Equal(RecordSlabs.SlabSize, _slabs.HeldBytes);
    }

    // Four records into the newest slab, which the fifth will close.
    private RecordSlabs.Slab FillOne()
    {
        var slab = _slabs.Hold(Quarter).Slab;
        Hold(3);
        return slab;
    }

    private void Hold(int records)
    {
        for (var i = 0; i < records; i++)
        {
            _slabs.Hold(Quarter);
        }
    }

    private void Empty(RecordSlabs.Slab slab)
    {
        while (slab.Live > 0)
        {
            _slabs.Release(slab, Quarter.Length);
        }
    }
}
