using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.DomainEvents;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Policy;

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
        services.TryAddSingleton<NoticeOutbox>();
        services.TryAddSingleton<NoticeSender>();
        services.TryAddSingleton<DeliveryNotices>();
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        services.AddDomainEvents();
        return services;
    }
}
