using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Policy;
using ServiceBot.Services.Shipments;

namespace ServiceBot.Services.Notifications;

public static class DeliveryNoticesRegistration
{
    /// <summary>Delivery notices: status change → scheduled job → policy → claimed send → ledger.</summary>
    public static IServiceCollection AddDeliveryNotices(this IServiceCollection services)
    {
        services.AddNoticePolicy();
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<NoticeLedger>();
        services.TryAddSingleton<DeliveryNotices>();
        services.AddSingleton<IShipmentStatusObserver, DeliveryNoticeScheduler>();
        return services;
    }
}
