namespace ServiceBot.Services.Conversations;

/// <summary>
/// While a person owns the conversation (queued for, or talking to, an agent) the bot says
/// nothing: the activity goes to the agents' inbox and the turn ends here.
/// </summary>
internal sealed class HandoffRouting(IAgentInbox inbox) : ITurnMiddleware
{
    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        if (turn.State.Owner == ConversationOwner.Bot)
        {
            await following(turn, cancellationToken);
            return;
        }

        await inbox.DeliverAsync(turn.Activity, cancellationToken);
    }
}

/// <summary>Where a customer's activities go while a person owns the conversation.</summary>
public interface IAgentInbox
{
    /// <summary>Keeps the activity for the agents; delivering the same activity twice keeps it once.</summary>
    Task DeliverAsync(Activity activity, CancellationToken cancellationToken);
}
