namespace ServiceBot.Services.Conversations;

/// <summary>What a channel calls with each activity: runs the turn and hands back the replies.</summary>
internal interface ITurnProcessor
{
    Task<TurnResult> ProcessAsync(Activity activity, TurnDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// A turn's replies; on a replay, also those it recorded for pushing (see <see cref="TurnContext.OwedReplies"/>).
/// </summary>
internal sealed record TurnResult(
    IReadOnlyList<Reply> Replies,
    bool IsReplay,
    IReadOnlyList<Reply>? OwedReplies = null
);

/// <summary>
/// The turn: gate (one turn per conversation at a time here) → state (load, and after the rest,
/// a conditional save that is also the de-duplication claim) → duplicate filter → global commands
/// (TD, unfollow) → handoff routing → dialogs.
/// </summary>
internal sealed class TurnPipeline : ITurnProcessor
{
    private readonly TurnHandler _entry;

    public TurnPipeline(IEnumerable<ITurnMiddleware> middlewares, Dialogs.DialogMiddleware dialogs)
    {
        TurnHandler next = (turn, ct) => dialogs.InvokeAsync(turn, ct);
        foreach (var middleware in middlewares.Reverse())
        {
            var following = next;
            next = (turn, ct) => middleware.InvokeAsync(turn, following, ct);
        }

        _entry = next;
    }

    public async Task<TurnResult> ProcessAsync(
        Activity activity,
        TurnDelivery delivery,
        CancellationToken cancellationToken
    )
    {
        var started = TimeProvider.System.GetTimestamp();
        using var span = TurnMetrics.StartTurn(activity.Conversation.Channel);
        var turn = new TurnContext(activity, delivery);
        await _entry(turn, cancellationToken);
        span?.SetTag("servicebot.replay", turn.IsReplay);
        TurnMetrics.TurnEnded(
            activity.Conversation.Channel,
            turn.IsReplay,
            TimeProvider.System.GetElapsedTime(started)
        );
        return new TurnResult(turn.Replies.ToArray(), turn.IsReplay, turn.OwedReplies);
    }
}
