using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.DomainEvents;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Policy;
using ServiceBot.Services.Storage;

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
        services.AddNoticeOutbox();
        services.TryAddSingleton<NoticeSender>();
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        return services;
    }

    /// <summary>The outbox, with its claim lease from <c>Notices:ClaimLease</c> (validated at start-up).</summary>
    public static IServiceCollection AddNoticeOutbox(this IServiceCollection services)
    {
        services.AddProactiveMessenger();
        services.AddOptions<NoticeOutboxOptions>().BindConfiguration(NoticeOutboxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NoticeOutboxOptions>, NoticeOutboxOptionsValidator>());
        services.TryAddSingleton(provider => new NoticeOutbox(
            provider.GetRequiredService<IDocumentStore>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<NoticeOutboxOptions>>().Value.ClaimLease,
            provider.GetRequiredService<SendRetry>()));
        return services;
    }
}
