namespace ServiceBot.Services.Conversations;

/// <summary>
/// Runs one turn per conversation at a time in this process, so a channel retry that arrives
/// while the first delivery is still running waits for it and then finds it handled, and two
/// quick messages from one user are answered in order. Across processes the conditional save
/// in <see cref="ConversationStateMiddleware"/> keeps the same promise.
/// </summary>
internal sealed class ConversationGate : ITurnMiddleware
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        var key = turn.Conversation.ToString();
        var entry = Acquire(key);
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
            try
            {
                await following(turn, cancellationToken);
            }
            finally
            {
                entry.Semaphore.Release();
            }
        }
        finally
        {
            Release(key, entry);
        }
    }

    private Entry Acquire(string key)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry();
                _entries[key] = entry;
            }

            entry.Users++;
            return entry;
        }
    }

    private void Release(string key, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }
}
