using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// A link to the page where a customer allows notices of a topic (WeChat: the consent page, through
/// its web-page authorisation); null where the channel has none or it is not set up. The host provides it.
/// </summary>
internal interface IConsentLinks
{
    Uri? For(ConversationReference customer, NoticeTopic topic);
}

/// <summary>After an order is shown: a customer who does not hear about deliveries is offered to.</summary>
internal sealed class DeliveryNoticeOffer(IEnumerable<IConsentLinks> links) : INoticeOffers
{
    private readonly IConsentLinks[] _links = [.. links];

    public string? AfterOrderShown(TurnContext turn) =>
        Consents.Of(turn.State).IsOptedIn(NoticeTopic.Delivery)
            ? null
            : NotificationText.OfferDeliveryNotices(
                LinkFor(_links, turn.Conversation, NoticeTopic.Delivery),
                turn.IsEnglish
            );

    public static Uri? LinkFor(IConsentLinks[] links, ConversationReference customer, NoticeTopic topic) =>
        links.Select(l => l.For(customer, topic)).FirstOrDefault(l => l is not null);
}
