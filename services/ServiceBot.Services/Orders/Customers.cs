using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Orders;

/// <summary>The merchant knows customers by their WeChat OpenID: this is their conversation.</summary>
internal static class Customers
{
    public const string Channel = "wechat";

    public static ConversationReference Of(string openId) => new(Channel, openId);
}

/// <summary>The merchant moved an order from paid to shipped (domain event): the customer may hear it.</summary>
internal sealed record OrderMarkedShipped(Order Order) : Mediator.INotification;
