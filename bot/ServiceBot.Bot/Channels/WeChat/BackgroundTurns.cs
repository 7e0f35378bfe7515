namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// Work that outlives its HTTP request (a turn past the reply budget, pushing its reply): tracked
/// so that a graceful shutdown waits for it instead of dropping a customer's message.
/// </summary>
internal sealed class BackgroundTurns(ILogger<BackgroundTurns> logger) : IHostedService
{
    private readonly HashSet<Task> _running = [];

    public int Count
    {
        get
        {
            lock (_running)
            {
                return _running.Count;
            }
        }
    }

    public void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_running)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_running)
                {
                    _running.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when everything tracked so far has finished.</summary>
    public Task WhenIdleAsync()
    {
        lock (_running)
        {
            return Task.WhenAll(_running.ToArray());
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WhenIdleAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            BackgroundTurnsLog.Abandoned(logger, Count);
        }
    }
}

internal static partial class BackgroundTurnsLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Shutdown timed out with {Count} deferred turns still running")]
    public static partial void Abandoned(ILogger logger, int count);
}
