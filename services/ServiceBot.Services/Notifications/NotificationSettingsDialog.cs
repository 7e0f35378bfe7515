using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Understanding;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// While the settings are shown: whether they were opened from the menu, and how many answers missed.
/// </summary>
internal sealed record NotificationSettingsState(bool FromMenu, int Misses);

/// <summary>
/// Shows the customer's two opt-ins and lets them switch each one, or both off. Every change is
/// recorded with its time, its source and the exact text the customer was shown.
/// </summary>
internal sealed class NotificationSettingsDialog(
    TimeProvider time,
    IOptions<ShopOptions> shop,
    IOptions<PolicyOptions> caps,
    IEnumerable<IConsentLinks> links
) : Dialog<NotificationSettingsState>(NotificationsJsonContext.Default.NotificationSettingsState), IChoiceDialog
{
    public const string DialogId = "notifications.settings";

    public override string Id => DialogId;

    protected override Task<DialogStep<NotificationSettingsState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        context.SendText(Prompt(context));
        return Task.FromResult(DialogStep.Wait(new NotificationSettingsState(context.Activity.IsEvent("CLICK"), 0)));
    }

    protected override Task<DialogStep<NotificationSettingsState>> OnContinueAsync(
        DialogContext context,
        NotificationSettingsState state,
        CancellationToken cancellationToken
    )
    {
        var shown = Prompt(context);
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
                var switched = NotificationText.Switched(topic, optIn, context.IsEnglish, caps.Value);
                context.SendText(
                    optIn && DeliveryNoticeOffer.LinkFor([.. links], context.Activity.Conversation, topic) is { } link
                        ? $"{switched}\n{NotificationText.NextNoticeLink(link, context.IsEnglish)}"
                        : switched
                );

                return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
            case 3:
                Consents.Record(
                    context.Turn,
                    new ConsentChange(NoticeTopic.Delivery, false, now, source, shown),
                    new ConsentChange(NoticeTopic.Promotion, false, now, source, shown)
                );
                context.SendText(NotificationText.AllOff(context.IsEnglish));
                return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
            default:
                if (state.Misses >= 1)
                {
                    context.SendText(NotificationText.NothingChanged(context.IsEnglish));
                    return Task.FromResult(DialogStep.Complete<NotificationSettingsState>());
                }

                context.SendText(NotificationText.PickOneTwoOrThree(context.IsEnglish));
                return Task.FromResult(DialogStep.Wait(state with { Misses = state.Misses + 1 }));
        }
    }

    // The settings as this customer sees them now; recorded with each change as what they were shown.
    private string Prompt(DialogContext context) =>
        NotificationText.Settings(Consents.Of(context.Turn.State), context.IsEnglish, shop.Value.Zone);
}
