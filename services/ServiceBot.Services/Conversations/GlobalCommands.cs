namespace ServiceBot.Services.Conversations;

/// <summary>
/// Something that must work in every state of a conversation, before dialogs and even while a
/// person owns the chat: "TD"/"退订" revoking notices, unfollow. Returns true when it handled
/// the activity (the turn then ends).
/// </summary>
internal interface IGlobalCommand
{
    Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken);
}

/// <summary>Runs the registered global commands ahead of handoff routing and dialogs.</summary>
internal sealed class GlobalCommandsMiddleware(IEnumerable<IGlobalCommand> commands) : ITurnMiddleware
{
    private readonly IGlobalCommand[] _commands = [.. commands];

    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        foreach (var command in _commands)
        {
            if (await command.TryHandleAsync(turn, cancellationToken))
            {
                return;
            }
        }

        await following(turn, cancellationToken);
    }
}
