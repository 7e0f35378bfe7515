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
    /// state under 2 KB (16 ids took a chatty Chinese customer to 2.3 KB).
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
            var last = record.LastReply is { } recorded && recorded.ActivityId == id ? recorded : null;
            turn.Replay(last is { Delivery: ReplyDelivery.Passive } ? last.Replies : [], handled.Pushed ?? []);
            return;
        }

        await following(turn, cancellationToken);

        var now = time.GetUtcNow();
        record.Handled.RemoveAll(h => now - h.At > Window);
        record.Handled.Add(new HandledActivity(id, now, turn.Delivery.IsDeferred && turn.Replies.Count > 0 ? turn.Replies.ToArray() : null));
        if (record.Handled.Count > MaxRemembered)
        {
            record.Handled.RemoveRange(0, record.Handled.Count - MaxRemembered);
        }

        record.LastReply = new RecordedReply(
            id, turn.Replies.ToArray(), turn.Delivery.IsDeferred ? ReplyDelivery.Deferred : ReplyDelivery.Passive);
    }
}
