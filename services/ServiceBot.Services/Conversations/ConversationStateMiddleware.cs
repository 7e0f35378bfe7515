using Mediator;
using Microsoft.Extensions.Logging;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// Loads the conversation, runs the rest of the turn, and saves with a condition (create-if-absent
/// for a new conversation, If-Match otherwise). When another process saved first, the turn runs
/// again on the fresh record: no lost update, and a retried activity then finds itself handled.
/// Domain events the turn raised are published after the save, never for a run that lost; those it
/// prepared are published before each save attempt.
/// </summary>
internal sealed class ConversationStateMiddleware(
    ConversationStateStore store,
    IPublisher publisher,
    TimeProvider time,
    ILogger<ConversationStateMiddleware> logger
) : ITurnMiddleware
{
    internal const int MaxAttempts = 5;

    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var loaded = await store.LoadAsync(turn.Conversation, cancellationToken);
            turn.Begin(loaded.Record);
            NoteUserActivity(turn);

            await following(turn, cancellationToken);
            if (turn.IsReplay)
            {
                return;
            }

            foreach (var preparation in turn.Preparations)
            {
                await publisher.Publish(preparation, cancellationToken);
            }

            if (await SaveAsync(turn, loaded.ETag, cancellationToken) is not null)
            {
                foreach (var domainEvent in turn.Events)
                {
                    await publisher.Publish(domainEvent, cancellationToken);
                }

                return;
            }

            ConversationsLog.SaveConflict(
                logger,
                turn.Conversation.Channel,
                LogIds.Of(turn.Conversation.UserId),
                attempt
            );
        }

        throw new StorageConflictException(
            $"Conversation {turn.Conversation} kept changing; gave up after {MaxAttempts} attempts."
        );
    }

    // A save whose answer never came may have been stored: the turn's replies are noted for the channel.
    private async Task<string?> SaveAsync(TurnContext turn, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            return await store.TrySaveAsync(turn.Conversation, turn.State, etag, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            turn.Delivery.SaveUnconfirmed([.. turn.Replies]);
            throw;
        }
    }

    // The channel's reply window (WeChat: 48 h after a message) opens again when the user writes. An
    // unfollow, or a delivery report (the channel speaking, not the user), is no activity.
    private void NoteUserActivity(TurnContext turn)
    {
        if (turn.Activity.IsEvent("unsubscribe") || turn.Activity.DeliveryReports.Count > 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        turn.State.LastUserActivityAt = now;
        if (turn.Activity.IsEvent("subscribe"))
        {
            turn.Raise(new AccountFollowed(turn.Conversation, now));
        }

        if (turn.Activity.IsMessage)
        {
            if (turn.State.LastUserMessageAt is not { } before || now - before > ChatStarted.Gap)
            {
                turn.Raise(new ChatStarted(turn.Conversation, now));
            }

            turn.State.LastUserMessageAt = now;
        }
    }
}
