namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Makes the log store's appends durable, one fsync for every write waiting at the time (group
/// commit): a writer that waits is answered once a sync that started after its append has finished.
/// Relaxed (<see cref="LocalDurability.Written"/>), nobody waits and the newest file is synced every
/// second. A failed sync breaks the store: after it the kernel may have dropped what it could not write.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    // A monitor, not a Lock: the thread waits on it for work or its interval.
    private readonly object _gate = new();
    private readonly Func<(IStoreFile File, long Number, long Length)> _target;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private (long Number, long Offset) _durable;
    private TaskCompletionSource _nextRound = NewRound();
    private bool _wanted;
    private bool _stopping;
    private bool _stopped;

    /// <param name="target">The newest file, its number and its length now (taken under the store's lock).</param>
    /// <param name="durable">What is on the disk already.</param>
    /// <param name="interval">How often to sync when nobody asks (infinite: only when asked).</param>
    public GroupCommit(
        Func<(IStoreFile File, long Number, long Length)> target,
        (long Number, long Offset) durable,
        TimeSpan interval
    )
    {
        _target = target;
        _durable = durable;
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "servicebot-group-commit" };
        _thread.Start();
    }

    /// <summary>Why the store cannot write any more, or null.</summary>
    public Exception? Failure { get; private set; }

    public bool IsDurable(long number, long offset)
    {
        lock (_gate)
        {
            return Covers(_durable, number, offset);
        }
    }

    /// <summary>How much of file <paramref name="number"/> is on the disk, as far as this process knows.</summary>
    public long DurableIn(long number)
    {
        lock (_gate)
        {
            return _durable.Number == number ? _durable.Offset : 0;
        }
    }

    /// <summary>Returns once everything up to the offset of file <paramref name="number"/> is on the disk.</summary>
    public async Task WaitAsync(long number, long offset)
    {
        while (true)
        {
            Task round;
            lock (_gate)
            {
                if (Failure is not null)
                {
                    throw Unavailable(Failure);
                }

                if (Covers(_durable, number, offset))
                {
                    return;
                }

                ObjectDisposedException.ThrowIf(_stopped, this);

                _wanted = true;
                round = _nextRound.Task;
                Monitor.Pulse(_gate);
            }

            await round.ConfigureAwait(false);
        }
    }

    /// <summary>Records what the store synced itself (a closed file, a new one).</summary>
    public void Advance(long number, long offset)
    {
        lock (_gate)
        {
            if (!Covers(_durable, number, offset))
            {
                _durable = (number, offset);
            }
        }
    }

    /// <summary>Stops the thread after a last sync for whoever waits.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }

    /// <summary>A sync the store made itself failed: nothing more is acknowledged.</summary>
    public void Fail(Exception failure)
    {
        lock (_gate)
        {
            Failure ??= failure;
            Monitor.Pulse(_gate);
        }
    }

    private static StorageUnavailableException Unavailable(Exception failure) =>
        new("The local store could not sync its file.", failure);

    private static bool Covers((long Number, long Offset) durable, long number, long offset) =>
        number < durable.Number || number == durable.Number && offset <= durable.Offset;

    private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource round;
            lock (_gate)
            {
                var timedOut = false;
                while (!_wanted && !_stopping && !timedOut && Failure is null)
                {
                    timedOut = !Monitor.Wait(_gate, _interval);
                }

                if (Failure is not null || _stopping && !_wanted)
                {
                    // Whoever registered on the next round meanwhile is answered, never left waiting.
                    _stopped = true;
                    if (Failure is not null)
                    {
                        _nextRound.TrySetException(Unavailable(Failure));
                    }
                    else
                    {
                        _nextRound.TrySetResult();
                    }

                    return;
                }

                round = _nextRound;
                _nextRound = NewRound();
                _wanted = false;
            }

            try
            {
                var (file, number, length) = _target();
                if (!IsDurable(number, length))
                {
                    file.Sync();
                    Advance(number, length);
                }

                round.SetResult();
            }
            catch (ObjectDisposedException)
            {
                // The file was closed and compacted away after the store synced it itself.
                round.SetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lock (_gate)
                {
                    Failure = e;
                }

                round.SetException(Unavailable(e));
            }
        }
    }
}
