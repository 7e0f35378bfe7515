using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>());
        services.TryAddSingleton(provider => new NoticePolicy(provider.GetRequiredService<IOptions<PolicyOptions>>().Value));
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<NoticeLedger>();
        services.TryAddSingleton<DeliveryNotices>();
        services.AddSingleton<IShipmentStatusObserver, DeliveryNoticeScheduler>();
        return services;
    }
}
