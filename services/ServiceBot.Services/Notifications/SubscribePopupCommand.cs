using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// WeChat's subscribe-message popup: each accepted template that is configured for a topic is one
/// one-time consent for one notice of that topic, saved with the turn (so a retried event counts once).
/// </summary>
internal sealed class SubscribePopupCommand(IOptions<SubscribeTemplateOptions> templates, TimeProvider time)
    : IGlobalCommand
{
    public const string PopupEvent = "subscribe_msg_popup_event";

    public Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (!turn.Activity.IsEvent(PopupEvent))
        {
            return Task.FromResult(false);
        }

        var consents = Consents.Of(turn.State);
        var granted = new HashSet<NoticeTopic>();
        foreach (var choice in turn.Activity.TemplateConsents.Where(c => c.Accepted))
        {
            if (templates.Value.TopicOf(choice.TemplateId) is { } topic)
            {
                consents = consents.Grant(new OneTimeConsent(topic, choice.TemplateId, time.GetUtcNow()));
                granted.Add(topic);
                turn.Raise(
                    new ConsentChanged(turn.Conversation, topic, OptedIn: true, OneTime: true, time.GetUtcNow())
                );
            }
        }

        Consents.Property.Set(turn, consents);
        if (granted.Count > 0)
        {
            turn.Prepare(new ConsentGranted(turn.Conversation, [.. granted]));
        }

        return Task.FromResult(true);
    }
}
