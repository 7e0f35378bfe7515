using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations.Dialogs;

/// <summary>
/// A dialog with typed state: <c>Begin</c> on the first activity, <c>Continue</c> on each next
/// one, <c>Resume</c> when a child it started completes. Each returns a <see cref="DialogStep{TState}"/>.
/// </summary>
internal abstract class Dialog<TState>(JsonTypeInfo<TState> stateType) : IDialog
    where TState : class
{
    public abstract string Id { get; }

    protected abstract Task<DialogStep<TState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    );

    protected abstract Task<DialogStep<TState>> OnContinueAsync(
        DialogContext context,
        TState state,
        CancellationToken cancellationToken
    );

    /// <summary>A child this dialog began has completed; by default this dialog completes too.</summary>
    protected virtual Task<DialogStep<TState>> OnResumeAsync(
        DialogContext context,
        TState state,
        DialogTurnResult child,
        CancellationToken cancellationToken
    ) => Task.FromResult(DialogStep.Complete<TState>(child.Value));

    async Task<DialogInstruction> IDialog.BeginAsync(DialogContext context, CancellationToken cancellationToken) =>
        ToInstruction(await OnBeginAsync(context, cancellationToken));

    async Task<DialogInstruction> IDialog.ContinueAsync(
        DialogContext context,
        DialogFrame frame,
        CancellationToken cancellationToken
    ) => ToInstruction(await OnContinueAsync(context, StateOf(frame), cancellationToken));

    async Task<DialogInstruction> IDialog.ResumeAsync(
        DialogContext context,
        DialogFrame frame,
        DialogTurnResult child,
        CancellationToken cancellationToken
    ) => ToInstruction(await OnResumeAsync(context, StateOf(frame), child, cancellationToken));

    private TState StateOf(DialogFrame frame) =>
        frame.State?.Deserialize(stateType)
        ?? throw new InvalidDataException($"Dialog '{Id}' has no stored state to continue from.");

    private DialogInstruction ToInstruction(DialogStep<TState> step) =>
        new(
            step.Status,
            step.State is null ? null : JsonSerializer.SerializeToElement(step.State, stateType),
            step.Value,
            step.ChildDialogId
        );
}

/// <summary>What a dialog does next: wait for the user, complete, hand off, or begin a child.</summary>
internal readonly record struct DialogStep<TState>(
    DialogStatus Status,
    TState? State,
    string? Value,
    string? ChildDialogId
)
    where TState : class;

/// <summary>Makes <see cref="DialogStep{TState}"/>s: <c>return DialogStep.Wait(state with { ... })</c>.</summary>
internal static class DialogStep
{
    public static DialogStep<TState> Wait<TState>(TState state)
        where TState : class => new(DialogStatus.Waiting, state, null, null);

    public static DialogStep<TState> Complete<TState>(string? value = null)
        where TState : class => new(DialogStatus.Completed, null, value, null);

    public static DialogStep<TState> Handoff<TState>(string reason)
        where TState : class => new(DialogStatus.Handoff, null, reason, null);

    /// <summary>
    /// Starts <paramref name="dialogId"/> on top; the caller resumes, with <paramref name="state"/>, when it completes.
    /// </summary>
    public static DialogStep<TState> Begin<TState>(string dialogId, TState state)
        where TState : class => new(DialogStatus.Waiting, state, null, dialogId);
}
