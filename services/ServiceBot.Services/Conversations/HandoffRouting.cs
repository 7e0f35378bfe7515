namespace ServiceBot.Services.Conversations;

/// <summary>
/// While a person owns the conversation (queued for, or talking to, an agent) the bot says
/// nothing: the turn goes to the handoff desk and ends there. A hard lock: no dialog runs.
/// </summary>
internal sealed class HandoffRouting(IHandoffInbox inbox) : ITurnMiddleware
{
    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        if (turn.State.Owner == ConversationOwner.Bot)
        {
            await following(turn, cancellationToken);
            return;
        }

        await inbox.ReceiveAsync(turn, cancellationToken);
    }
}

/// <summary>
/// The way to people: how a turn asks for one, and where the customer's turns go while people own the chat.
/// </summary>
internal interface IHandoffInbox
{
    /// <summary>
    /// Queues the conversation for a person (a dialog asked for one); the customer is told where they stand.
    /// </summary>
    Task RequestAsync(TurnContext turn, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the customer's activity for the agents (a retry of the same activity is kept once).
    /// It may change the conversation (the customer leaves the queue) and reply to that, never more.
    /// </summary>
    Task ReceiveAsync(TurnContext turn, CancellationToken cancellationToken);
}
