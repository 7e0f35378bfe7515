using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.DomainEvents;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Policy;

namespace ServiceBot.Services.Notifications;

public static class DeliveryNoticesRegistration
{
    /// <summary>Delivery notices: status change → scheduled job → policy → outbox send → ledger.</summary>
    public static IServiceCollection AddDeliveryNotices(this IServiceCollection services)
    {
        services.AddNoticeSending();
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<DeliveryNotices>();
        services.AddDomainEvents();
        return services;
    }

    /// <summary>The road every notice takes (delivery and promotion): policy, outbox, ledger, subscribe templates.</summary>
    public static IServiceCollection AddNoticeSending(this IServiceCollection services)
    {
        services.AddNoticePolicy();
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<NoticeLedger>();
        services.TryAddSingleton<NoticeOutbox>();
        services.TryAddSingleton<NoticeSender>();
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        return services;
    }
}
