namespace ServiceBot.Services.Conversations.Dialogs;

/// <summary>
/// The runner's view of a dialog. Write dialogs by deriving from <see cref="Dialog{TState}"/>,
/// which keeps the state typed; this interface only carries serialized frames.
/// </summary>
internal interface IDialog
{
    string Id { get; }

    Task<DialogInstruction> BeginAsync(DialogContext context, CancellationToken cancellationToken);

    Task<DialogInstruction> ContinueAsync(
        DialogContext context,
        DialogFrame frame,
        CancellationToken cancellationToken
    );

    Task<DialogInstruction> ResumeAsync(
        DialogContext context,
        DialogFrame frame,
        DialogTurnResult child,
        CancellationToken cancellationToken
    );
}

internal enum DialogStatus
{
    /// <summary>The dialog asked something and waits for the user's next activity.</summary>
    Waiting,

    /// <summary>The dialog is done; its parent resumes with the result value.</summary>
    Completed,

    /// <summary>A person should take over: the stack is cleared and the conversation queued for an agent.</summary>
    Handoff,
}

/// <summary>What a finished child tells its parent.</summary>
internal sealed record DialogTurnResult(DialogStatus Status, string? Value = null);

/// <summary>A dialog's answer to the runner, with its state already serialized.</summary>
internal sealed record DialogInstruction(
    DialogStatus Status,
    System.Text.Json.JsonElement? State,
    string? Value,
    string? ChildDialogId
);
