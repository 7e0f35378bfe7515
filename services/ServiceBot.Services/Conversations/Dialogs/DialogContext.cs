namespace ServiceBot.Services.Conversations.Dialogs;

/// <summary>What a dialog sees of the turn: the activity, the user's language, and a way to reply.</summary>
internal sealed class DialogContext(TurnContext turn)
{
    public TurnContext Turn { get; } = turn;

    public Activity Activity => Turn.Activity;

    public string? Text => Turn.Activity.Text?.Trim();

    public bool IsEnglish => Turn.IsEnglish;

    /// <summary>How many dialogs are active, the root included.</summary>
    public int Depth => Turn.State.DialogStack.Count;

    public void Send(Reply reply) => Turn.Send(reply);

    public void SendText(string text) => Turn.SendText(text);

    public void SendText(string chinese, string english) => Turn.SendText(chinese, english);

    /// <summary>Ends every dialog above the root (used by the root to cancel at any step).</summary>
    public void CancelChildren()
    {
        var stack = Turn.State.DialogStack;
        if (stack.Count > 1)
        {
            stack.RemoveRange(1, stack.Count - 1);
        }
    }
}

/// <summary>
/// Implemented by the root dialog: sees every activity before the active dialog does, so words
/// like "cancel" work at any step. Returns true when it handled the activity.
/// </summary>
internal interface IInterruptionHandler
{
    Task<bool> TryInterruptAsync(DialogContext context, CancellationToken cancellationToken);

    /// <summary>
    /// True when the message clearly asks for something other than the active choice dialog
    /// (<paramref name="activeDialogId"/>): that dialog is left and the root handles the message.
    /// </summary>
    bool TakesOverFrom(DialogContext context, string activeDialogId);
}

/// <summary>
/// A dialog whose prompts take a choice (a number, an order id), never free text: a clear request
/// for another topic there ("where is my order" in the notice settings) leaves it instead of
/// being answered "reply 1, 2 or 3". Dialogs that ask for free text (a return's reason) are not.
/// </summary>
internal interface IChoiceDialog;
