using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// The webhook's deferred path: a turn that outran the reply budget (or whose save the store did not
/// confirm) was answered "success", so WeChat will not ask again and its reply is owed by push. The
/// turn is retried while the store is out, and the owed replies go out once through the outbox.
/// </summary>
internal sealed class DeferredReplies(
    ITurnProcessor turns,
    ProactiveMessenger messenger,
    SendOnceOutbox outbox,
    BackgroundTurns background,
    TimeProvider time,
    ILogger<DeferredReplies> logger
)
{
    private const string Channel = "wechat";

    /// <summary>
    /// How long a turn that was answered "success" keeps being retried while the store is unreachable.
    /// </summary>
    private static readonly TimeSpan StorageOutageRetry = TimeSpan.FromMinutes(10);

    /// <summary>Tries at pushing a reply while WeChat is busy or down: after 2, 4, 8, 16 and 32 s.</summary>
    private const int PushAttempts = 6;

    /// <summary>Pushes replies the passive answer could not carry.</summary>
    public void Push(Activity activity, IReadOnlyList<Reply> replies) =>
        background.Track(() => PushOwedAsync(activity, replies));

    /// <summary>Pushes the turn's replies once it is done (the webhook already answered "success").</summary>
    public void PushWhenDone(Activity activity, Task<TurnResult> turn, TurnDelivery delivery) =>
        background.Track(() => PushWhenDoneAsync(activity, turn, delivery));

    private async Task PushWhenDoneAsync(Activity activity, Task<TurnResult> turn, TurnDelivery delivery)
    {
        TurnResult result;
        try
        {
            result = await turn;
        }
        catch (Exception e) when (e is StorageUnavailableException or StorageConflictException)
        {
            // WeChat was told "success" and will not send it again: the turn is retried here until the store is back
            // (or, after an outage, until the customer's other retried messages stop winning every save).
            if (await RetryUntilStoredAsync(activity, delivery, e) is not { } retried)
            {
                return;
            }

            result = retried;
            if (
                result.IsReplay
                && result.Replies.Count == 0
                && result.OwedReplies is not { Count: > 0 }
                && delivery.UnconfirmedReplies is { Count: > 0 } unconfirmed
            )
            {
                // An earlier try's save was stored after all, and the customer's next messages have since
                // moved its replies out of the record: they are the ones this "success" owes.
                result = result with { Replies = unconfirmed };
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            WeChatLog.TurnFailed(logger, e, activity.Id);
            return;
        }

        // This request answered "success", so it owes the reply. A replay means an earlier handling saved
        // the turn but its answer never reached WeChat (WeChat sends a message again only when it got no
        // answer): what that handling would have answered (a passive reply, or one it was to push) is owed
        // here, and the outbox key makes sure it goes once, whoever else believes they owe it.
        await PushOwedAsync(
            activity,
            WeChatReplyPlan.Merge(result.IsReplay ? [.. result.Replies, .. result.OwedReplies ?? []] : result.Replies)
        );
    }

    // The message was never claimed, or its save was stored without an answer: running it again is safe
    // (it then finds itself handled). Backs off from 1 s to 30 s, for up to StorageOutageRetry. Each try
    // runs on the deferred delivery, which so keeps the replies of the latest save that may have been
    // stored unannounced (only one save of a message can be stored: the tries after it are replays).
    private async Task<TurnResult?> RetryUntilStoredAsync(Activity activity, TurnDelivery delivery, Exception failure)
    {
        var giveUpAt = time.GetUtcNow() + StorageOutageRetry;
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            if (failure is StorageConflictException)
            {
                WeChatLog.TurnWaitsForConflict(logger, activity.Id, attempt);
            }
            else
            {
                WeChatLog.TurnWaitsForStorage(logger, activity.Id, failure.Message, attempt);
            }

            await Task.Delay(delay, time);
            try
            {
                return await turns.ProcessAsync(activity, delivery, CancellationToken.None);
            }
            // A conflict is retried too: when the store comes back, every instance retries its deferred
            // turns at once, and a customer's several messages can each lose all their saves to the
            // others. A lost save claimed nothing, so running again is safe.
            catch (Exception e)
                when (e is StorageUnavailableException or StorageConflictException && time.GetUtcNow() < giveUpAt)
            {
                failure = e;
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WeChatLog.TurnFailed(logger, e, activity.Id);
                return null;
            }
        }
    }

    // Pushed replies go out once per message (an outbox key, across retries and instances), and are
    // tried again while WeChat is busy or down (past the outbox's own quick retries), or the store
    // cannot record the send; a retry sends only the replies WeChat has not taken.
    private async Task PushOwedAsync(Activity activity, IReadOnlyList<Reply> replies)
    {
        if (replies.Count == 0)
        {
            WeChatLog.PushSettled(logger, activity.Id, 0, null);
            return;
        }

        var key = "reply:" + activity.Id;
        var delay = TimeSpan.FromSeconds(2);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            try
            {
                var result = await outbox.SendOnceAsync(
                    activity.Conversation,
                    key,
                    (delivered, ct) => messenger.TryOnceAsync(activity.Conversation, [.. replies.Skip(delivered)], ct),
                    CancellationToken.None
                );
                WeChatLog.PushSettled(logger, activity.Id, replies.Count, result.Verdict);
                if (result.Verdict == OutboxVerdict.Sent)
                {
                    TurnMetrics.Delivered(Channel, "pushed", replies.Count);
                    return;
                }

                if (result is { Verdict: OutboxVerdict.Unanswered, Send: { } silent })
                {
                    WeChatLog.PushFailed(logger, activity.Id, $"{silent.Status}: not sent again, WeChat may have it");
                    return;
                }

                if (result.Verdict != OutboxVerdict.NotSent)
                {
                    return; // sent, being sent, or cut off by a crash elsewhere: not this attempt's to send
                }

                failure = result.Send!.Status.ToString();
                if (!result.Send.IsTransient)
                {
                    WeChatLog.PushFailed(logger, activity.Id, failure);
                    return;
                }
            }
            catch (StorageUnavailableException)
            {
                failure = "store unreachable";
            }

            if (attempt >= PushAttempts)
            {
                WeChatLog.PushFailed(logger, activity.Id, failure);
                return;
            }

            await Task.Delay(delay, time);
            delay *= 2;
        }
    }
}

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
            TaskScheduler.Default
        );
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
