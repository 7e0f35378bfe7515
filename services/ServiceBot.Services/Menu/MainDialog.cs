using System.Globalization;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;

namespace ServiceBot.Services.Menu;

internal sealed record MainState(int NotUnderstood);

[JsonSerializable(typeof(MainState))]
internal sealed partial class MenuJsonContext : JsonSerializerContext;

/// <summary>
/// The root dialog: greets new followers, shows the bilingual menu, routes to topics by menu
/// click, number or keyword, and lets "取消/cancel" end whatever is going on at any step.
/// It never completes, so it stays at the bottom of the stack.
/// </summary>
internal sealed class MainDialog(IEnumerable<ITopic> topics, IHandoffInbox handoff)
    : Dialog<MainState>(MenuJsonContext.Default.MainState),
        IInterruptionHandler
{
    public const string DialogId = "main";

    private readonly ITopic[] _topics = [.. topics.OrderBy(t => t.Order)];

    public override string Id => DialogId;

    protected override Task<DialogStep<MainState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    ) => HandleAsync(context, new MainState(0), cancellationToken);

    protected override Task<DialogStep<MainState>> OnContinueAsync(
        DialogContext context,
        MainState state,
        CancellationToken cancellationToken
    ) => HandleAsync(context, state, cancellationToken);

    protected override Task<DialogStep<MainState>> OnResumeAsync(
        DialogContext context,
        MainState state,
        DialogTurnResult child,
        CancellationToken cancellationToken
    ) => Task.FromResult(DialogStep.Wait(new MainState(0)));

    public async Task<bool> TryInterruptAsync(DialogContext context, CancellationToken cancellationToken)
    {
        if (context.Depth <= 1)
        {
            return false;
        }

        if (MenuWords.IsAgent(context.Text))
        {
            context.CancelChildren();
            await AskForPersonAsync(context, "asked for a person", cancellationToken);
            return true;
        }

        if (!MenuWords.IsCancel(context.Text))
        {
            return false;
        }

        context.CancelChildren();
        context.SendText(MenuText.Cancelled(context.IsEnglish));
        return true;
    }

    public bool TakesOverFrom(DialogContext context, string activeDialogId) =>
        context is { Activity.IsMessage: true, Text: { Length: > 1 } text }
        && PickByNumber(text) is null
        && Array.Exists(_topics, t => t.DialogId != activeDialogId && t.Matches(text));

    private async Task AskForPersonAsync(DialogContext context, string reason, CancellationToken cancellationToken)
    {
        await handoff.RequestAsync(context.Turn, reason, cancellationToken);
    }

    private async Task<DialogStep<MainState>> HandleAsync(
        DialogContext context,
        MainState state,
        CancellationToken cancellationToken
    )
    {
        var activity = context.Activity;
        if (MenuWords.IsAgent(context.Text) || activity.IsEvent("CLICK") && activity.EventKey == "AGENT")
        {
            await AskForPersonAsync(context, "asked for a person", cancellationToken);
            return DialogStep.Wait(new MainState(0));
        }

        if (activity.Type == ActivityType.Event)
        {
            return HandleEvent(context, state);
        }

        if (activity.Kind is MessageKind.Image or MessageKind.Video && activity.Anonymous)
        {
            // From someone the shop does not know, a photo nobody asked for is neither kept nor queued.
            context.SendText(MenuText.PhotoNobodyAskedFor(context.IsEnglish));
            return DialogStep.Wait(new MainState(0));
        }

        if (activity.Kind is MessageKind.Image or MessageKind.Video)
        {
            // A photo outside any dialog is usually a problem to look at: a person should see it.
            await AskForPersonAsync(context, "photo", cancellationToken);
            return DialogStep.Wait(new MainState(0));
        }

        var text = context.Text;
        if (MenuWords.IsHelp(text))
        {
            context.SendText(MenuText.Menu(_topics, context.IsEnglish));
            return DialogStep.Wait(new MainState(0));
        }

        if (MenuWords.IsCancel(text))
        {
            context.SendText(MenuText.NothingToCancel(context.IsEnglish));
            return DialogStep.Wait(new MainState(0));
        }

        var topic = text is null ? null : PickByNumber(text) ?? Array.Find(_topics, t => t.Matches(text));
        if (topic is not null)
        {
            return DialogStep.Begin(topic.DialogId, new MainState(0));
        }

        return NotUnderstood(context, state);
    }

    private DialogStep<MainState> HandleEvent(DialogContext context, MainState state)
    {
        var activity = context.Activity;
        if (activity.IsEvent("subscribe"))
        {
            context.SendText(MenuText.Welcome(_topics, context.IsEnglish));
            return DialogStep.Wait(new MainState(0));
        }

        if (activity.IsEvent("CLICK"))
        {
            var topic = Array.Find(_topics, t => string.Equals(t.MenuKey, activity.EventKey, StringComparison.Ordinal));
            if (topic is not null)
            {
                return DialogStep.Begin(topic.DialogId, new MainState(0));
            }

            context.SendText(MenuText.Menu(_topics, context.IsEnglish));
        }

        // Other events (VIEW, SCAN, unsubscribe, subscribe-message popups) need no answer from the menu.
        return DialogStep.Wait(state);
    }

    // The second miss in a row offers a person rather than the menu again.
    private static DialogStep<MainState> NotUnderstood(DialogContext context, MainState state)
    {
        if (state.NotUnderstood >= 1)
        {
            context.SendText(MenuText.StillNotUnderstood(context.IsEnglish));
        }
        else
        {
            context.SendText(MenuText.NotUnderstood(context.IsEnglish));
        }

        return DialogStep.Wait(state with { NotUnderstood = state.NotUnderstood + 1 });
    }

    private ITopic? PickByNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= _topics.Length
            ? _topics[n - 1]
            : null;
}
