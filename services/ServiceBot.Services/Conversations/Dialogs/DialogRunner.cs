using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Conversations.Dialogs;

internal sealed class DialogOptions
{
    /// <summary>The dialog that begins when no other is active.</summary>
    public string RootDialogId { get; set; } = "main";
}

/// <summary>
/// Runs the dialog stack kept in the conversation record: begins the root when the stack is
/// empty, lets the root interrupt, continues the top dialog, and unwinds completed children into
/// their parents' <c>Resume</c>. The terminal step of the turn pipeline.
/// </summary>
internal sealed class DialogMiddleware(
    IEnumerable<IDialog> dialogs,
    IOptions<DialogOptions> options,
    IHandoffInbox handoff,
    ILogger<DialogMiddleware> logger
)
{
    private const int MaxDepth = 16;

    private readonly Dictionary<string, IDialog> _dialogs = dialogs.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public async Task InvokeAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        turn.State.Locale = Locales.Detect(turn.Activity.Text) ?? turn.State.Locale;
        var context = new DialogContext(turn);
        var stack = turn.State.DialogStack;

        DialogTurnResult result;
        if (stack.Count == 0)
        {
            result = await BeginAsync(context, options.Value.RootDialogId, cancellationToken);
        }
        else
        {
            if (
                Find(stack[0].DialogId) is IInterruptionHandler root
                && await root.TryInterruptAsync(context, cancellationToken)
            )
            {
                return;
            }

            if (
                stack.Count > 1
                && Find(stack[^1].DialogId) is IChoiceDialog
                && Find(stack[0].DialogId) is IInterruptionHandler router
                && router.TakesOverFrom(context, stack[^1].DialogId)
            )
            {
                context.CancelChildren();
            }

            var top = stack[^1];
            result = await ApplyAsync(
                context,
                await Find(top.DialogId).ContinueAsync(context, top, cancellationToken),
                cancellationToken
            );
        }

        if (result.Status == DialogStatus.Handoff)
        {
            ConversationsLog.HandedOff(
                logger,
                stack.Count > 0 ? stack[^1].DialogId : options.Value.RootDialogId,
                turn.Conversation.Channel,
                LogIds.Of(turn.Conversation.UserId),
                result.Value ?? ""
            );
            stack.Clear();
            await handoff.RequestAsync(turn, result.Value ?? "handed off", cancellationToken);
        }
    }

    private async Task<DialogTurnResult> BeginAsync(
        DialogContext context,
        string dialogId,
        CancellationToken cancellationToken
    )
    {
        var stack = context.Turn.State.DialogStack;
        if (stack.Count >= MaxDepth)
        {
            throw new InvalidOperationException($"Dialog stack deeper than {MaxDepth} beginning '{dialogId}'.");
        }

        stack.Add(DialogFrame.Begun(dialogId));
        return await ApplyAsync(
            context,
            await Find(dialogId).BeginAsync(context, cancellationToken),
            cancellationToken
        );
    }

    // Applies the top dialog's instruction; a completion pops it and resumes the parent, repeatedly.
    private async Task<DialogTurnResult> ApplyAsync(
        DialogContext context,
        DialogInstruction instruction,
        CancellationToken cancellationToken
    )
    {
        var stack = context.Turn.State.DialogStack;
        while (true)
        {
            switch (instruction.Status)
            {
                case DialogStatus.Handoff:
                    return new DialogTurnResult(DialogStatus.Handoff, instruction.Value);
                case DialogStatus.Waiting:
                    stack[^1] = stack[^1] with { State = instruction.State };
                    return instruction.ChildDialogId is null
                        ? new DialogTurnResult(DialogStatus.Waiting)
                        : await BeginAsync(context, instruction.ChildDialogId, cancellationToken);
                default:
                    stack.RemoveAt(stack.Count - 1);
                    var child = new DialogTurnResult(DialogStatus.Completed, instruction.Value);
                    if (stack.Count == 0)
                    {
                        return child;
                    }

                    var parent = stack[^1];
                    instruction = await Find(parent.DialogId).ResumeAsync(context, parent, child, cancellationToken);
                    break;
            }
        }
    }

    private IDialog Find(string dialogId) =>
        _dialogs.TryGetValue(dialogId, out var dialog)
            ? dialog
            : throw new InvalidOperationException($"No dialog is registered with id '{dialogId}'.");
}
