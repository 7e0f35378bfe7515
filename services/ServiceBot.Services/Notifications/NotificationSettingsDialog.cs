using System.Globalization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Understanding;

namespace ServiceBot.Services.Notifications;

/// <summary>While the settings are shown: whether they were opened from the menu, and how many answers missed.</summary>
internal sealed record NotificationSettingsState(bool FromMenu, int Misses);

/// <summary>
/// Shows the customer's two opt-ins and lets them switch each one, or both off. Every change is
/// recorded with its time, its source and the exact text the customer was shown.
/// </summary>
internal sealed class NotificationSettingsDialog(TimeProvider time, IOptions<ShopOptions> shop)
    : Dialog<NotificationSettingsState>(NotificationsJsonContext.Default.NotificationSettingsState)
{
    public const string DialogId = "notifications.settings";

    public override string Id => DialogId;

    protected override Task<DialogStep<NotificationSettingsState>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken)
    {
        context.SendText(Prompt(context, english: false), Prompt(context, english: true));
        return Task.FromResult(DialogStep.Wait(new NotificationSettingsState(context.Activity.IsEvent("CLICK"), 0)));
    }

    protected override Task<DialogStep<NotificationSettingsState>> OnContinueAsync(DialogContext context, NotificationSettingsState state, CancellationToken cancellationToken)
    {
        var shown = Prompt(context, context.IsEnglish);
        var consents = Consents.Of(context.Turn.State);
        var source = state.FromMenu ? ConsentSource.Menu : ConsentSource.Dialog;
        var now = time.GetUtcNow();
        var pick = ChoiceParser.Pick(context.Text, 3);
        switch (pick)
        {
            case 1:
            case 2:
                var topic = pick == 1 ? NoticeTopic.Delivery : NoticeTopic.Promotion;
                var optIn = !consents.IsOptedIn(topic);
                Consents.Record(context.Turn, new ConsentChange(topic, optIn, now, source, shown));
                context.SendText(Confirmation(topic, optIn, english: false), Confirmation(topic, optIn, english: true));
                return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
            case 3:
                Consents.Record(context.Turn,
                    new ConsentChange(NoticeTopic.Delivery, false, now, source, shown),
                    new ConsentChange(NoticeTopic.Promotion, false, now, source, shown));
                context.SendText("好的，两类通知都已关闭。", "Done: both kinds of notice are off.");
                return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
            default:
                if (state.Misses >= 1)
                {
                    context.SendText("设置没有改变。需要时回复“通知”再来。", "Nothing changed. Reply \"notifications\" any time.");
                    return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
                }

                context.SendText("请回复 1、2 或 3，回复“取消”保持不变。", "Please reply 1, 2 or 3, or \"cancel\" to keep things as they are.");
                return Task.FromResult(DialogStep.Wait(state with { Misses = state.Misses + 1 }));
        }
    }

    private string Prompt(DialogContext context, bool english)
    {
        var consents = Consents.Of(context.Turn.State);
        var delivery = Line(consents.Latest(NoticeTopic.Delivery), english);
        var promotion = Line(consents.Latest(NoticeTopic.Promotion), english);
        return english
            ? $"Your notices:\nDelivery updates: {delivery}\nOffers and promotions: {promotion}\n\n"
              + $"Reply 1 to turn delivery updates {(consents.IsOptedIn(NoticeTopic.Delivery) ? "off" : "on")}, "
              + $"2 to turn offers {(consents.IsOptedIn(NoticeTopic.Promotion) ? "off" : "on")}, 3 to turn everything off."
            : $"您的通知设置：\n物流通知：{delivery}\n优惠活动通知：{promotion}\n\n"
              + $"回复 1 {(consents.IsOptedIn(NoticeTopic.Delivery) ? "关闭" : "开启")}物流通知，"
              + $"2 {(consents.IsOptedIn(NoticeTopic.Promotion) ? "关闭" : "开启")}优惠活动通知，3 全部关闭。";
    }

    private string Line(ConsentChange? change, bool english)
    {
        if (change is null)
        {
            return english ? "off" : "未开启";
        }

        var local = TimeZoneInfo.ConvertTime(change.At, shop.Value.Zone);
        var date = local.ToString(english ? "d MMM" : "M月d日", CultureInfo.InvariantCulture);
        return change.OptedIn
            ? (english ? $"on (since {date})" : $"已开启（{date}起）")
            : (english ? $"off (since {date})" : $"已关闭（{date}起）");
    }

    private static string Confirmation(NoticeTopic topic, bool optedIn, bool english) => (topic, optedIn, english) switch
    {
        (NoticeTopic.Delivery, true, false) => "已开启物流通知：包裹发出、派送和签收时会通知您，每个状态最多一条，晚上不打扰。",
        (NoticeTopic.Delivery, true, true) => "Delivery updates are on: you'll hear when your parcel ships, is out for delivery and arrives — at most one message per step, never at night.",
        (NoticeTopic.Delivery, false, false) => "已关闭物流通知。",
        (NoticeTopic.Delivery, false, true) => "Delivery updates are off.",
        (_, true, false) => "已开启优惠活动通知：每天最多一条，每周最多两条，晚上不打扰。随时回复 TD 退订。",
        (_, true, true) => "Offers are on: at most one a day and two a week, never at night. Reply TD to stop any time.",
        (_, false, false) => "已关闭优惠活动通知。",
        _ => "Offers are off.",
    };
}
