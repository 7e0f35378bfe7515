using System.Globalization;
using System.Text;
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
    : Dialog<MainState>(MenuJsonContext.Default.MainState), IInterruptionHandler
{
    public const string DialogId = "main";

    private readonly ITopic[] _topics = [.. topics.OrderBy(t => t.Order)];

    public override string Id => DialogId;

    protected override Task<DialogStep<MainState>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken) =>
        HandleAsync(context, new MainState(0), cancellationToken);

    protected override Task<DialogStep<MainState>> OnContinueAsync(DialogContext context, MainState state, CancellationToken cancellationToken) =>
        HandleAsync(context, state, cancellationToken);

    protected override Task<DialogStep<MainState>> OnResumeAsync(DialogContext context, MainState state, DialogTurnResult child, CancellationToken cancellationToken) =>
        Task.FromResult(DialogStep.Wait(new MainState(0)));

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
        context.SendText("好的，已取消。回复“菜单”看看我还能帮您做什么。", "OK, cancelled. Reply \"menu\" to see what else I can do.");
        return true;
    }

    private async Task AskForPersonAsync(DialogContext context, string reason, CancellationToken cancellationToken)
    {
        await handoff.RequestAsync(context.Turn, reason, cancellationToken);
    }

    private async Task<DialogStep<MainState>> HandleAsync(DialogContext context, MainState state, CancellationToken cancellationToken)
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

        if (activity.Kind is MessageKind.Image or MessageKind.Video)
        {
            // A photo outside any dialog is usually a problem to look at: a person should see it.
            await AskForPersonAsync(context, "photo", cancellationToken);
            return DialogStep.Wait(new MainState(0));
        }

        var text = context.Text;
        if (MenuWords.IsHelp(text))
        {
            context.Send(Reply.FromText(MenuText(context.IsEnglish)));
            return DialogStep.Wait(new MainState(0));
        }

        if (MenuWords.IsCancel(text))
        {
            context.SendText("好的。需要时随时找我，回复“菜单”即可。", "OK. I'm here whenever you need me: just reply \"menu\".");
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
            context.SendText(
                "您好，欢迎关注！我是售后小助手，可以帮您查订单和物流、办理退货、解答使用问题。\n\n" + MenuText(english: false),
                "Hello and welcome! I'm the after-sales assistant: I can track your orders, handle returns and answer how-to questions.\n\n" + MenuText(english: true));
            return DialogStep.Wait(new MainState(0));
        }

        if (activity.IsEvent("CLICK"))
        {
            var topic = Array.Find(_topics, t => string.Equals(t.MenuKey, activity.EventKey, StringComparison.Ordinal));
            if (topic is not null)
            {
                return DialogStep.Begin(topic.DialogId, new MainState(0));
            }

            context.Send(Reply.FromText(MenuText(context.IsEnglish)));
        }

        // Other events (VIEW, SCAN, unsubscribe, subscribe-message popups) need no answer from the menu.
        return DialogStep.Wait(state);
    }

    // The second miss in a row offers a person rather than the menu again.
    private static DialogStep<MainState> NotUnderstood(DialogContext context, MainState state)
    {
        if (state.NotUnderstood >= 1)
        {
            context.SendText(
                "抱歉，我还是没有看懂。需要人工客服帮忙吗？回复“人工”即可，或回复“菜单”看看我能做什么。",
                "Sorry, I still didn't get that. Would you like a person to help? Reply \"agent\", or \"menu\" to see what I can do.");
        }
        else
        {
            context.SendText(
                "抱歉，我没有看懂。回复“菜单”看看我能帮您做什么。",
                "Sorry, I didn't get that. Reply \"menu\" to see what I can help with.");
        }

        return DialogStep.Wait(state with { NotUnderstood = state.NotUnderstood + 1 });
    }

    private ITopic? PickByNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= _topics.Length
            ? _topics[n - 1]
            : null;

    private string MenuText(bool english)
    {
        var text = new StringBuilder(english ? "Reply with a number:\n" : "请回复数字：\n");
        for (var i = 0; i < _topics.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {_topics[i].Title(english)}\n");
        }

        if (_topics.Length == 0)
        {
            text.Clear().Append(english ? "More services are on their way.\n" : "更多服务即将上线。\n");
        }

        text.Append(english ? "Reply \"cancel\" at any time to stop." : "任何时候回复“取消”即可退出当前操作。");
        return text.ToString();
    }
}
