namespace ServiceBot.Services.Conversations;

/// <summary>
/// Answers an activity that was already handled with the replies recorded for it, without running
/// the dialog again. The handled ids travel in the conversation record, so the save that follows
/// the first handling is what claims the activity.
/// </summary>
internal sealed class DuplicateActivityFilter(TimeProvider time) : ITurnMiddleware
{
    /// <summary>WeChat retries for about 15 seconds; keep ids far longer than that.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>
    /// WeChat retries one message up to three times within about 15 seconds; eight ids cover a
    /// customer sending eight other messages in that time, and keep an idle customer's stored
    /// state small.
    /// </summary>
    internal const int MaxRemembered = 8;

    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        var record = turn.State;
        var id = turn.Activity.Id;
        if (record.Handled.Find(h => h.Id == id) is { } handled)
        {
            // Replies that go out by push are not the retry's to answer: it gets nothing more, and the
            // channel that answered the first handling "success" is told what it owes.
            var (replies, deferred) =
                record.LastReply is { } last && last.ActivityId == id
                    ? (last.Replies, last.Delivery == ReplyDelivery.Deferred)
                    : (handled.Replies ?? [], handled.Deferred == true);
            turn.Replay(deferred ? [] : replies, deferred ? replies : []);
            return;
        }

        await following(turn, cancellationToken);

        var now = time.GetUtcNow();
        record.Handled.RemoveAll(h => now - h.At > Window);
        record.Handled.Add(new HandledActivity(id, now));
        if (record.Handled.Count > MaxRemembered)
        {
            record.Handled.RemoveRange(0, record.Handled.Count - MaxRemembered);
        }

        // The previous activity's replies move from LastReply onto its entry while the window remembers
        // it, for that one activity only, so an idle customer's state stays small. Passive ones too, not
        // only while the channel may retry (WeChat: 15 s): when a save reached the store but its answer
        // was lost (an outage), the HTTP reply was a 503 and the passive replies never went; the retry
        // that answers "success" and waits for the store finds them here, even after the next message.
        var previous = record.LastReply;
        var owed = previous?.Delivery == ReplyDelivery.Deferred;
        for (var i = 0; i < record.Handled.Count; i++)
        {
            var entry = record.Handled[i];
            if (entry.Id == previous?.ActivityId && entry.Id != id && (owed || now - entry.At <= Window))
            {
                record.Handled[i] = entry with
                {
                    Replies = previous.Replies.Count > 0 ? previous.Replies : null,
                    Deferred = owed ? true : null,
                };
            }
            else if (entry is { Replies: not null, Deferred: not true })
            {
                record.Handled[i] = entry with { Replies = null };
            }
        }

        record.LastReply = new RecordedReply(
            id,
            turn.Replies.ToArray(),
            turn.Delivery.IsDeferred ? ReplyDelivery.Deferred : ReplyDelivery.Passive
        );
    }
}
