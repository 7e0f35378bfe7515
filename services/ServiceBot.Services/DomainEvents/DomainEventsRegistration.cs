using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.DomainEvents;

/// <summary>
/// Domain events with several consumers go through Mediator (source-generated, MIT): a shipment
/// changing status, a customer withdrawing consent. Plain calls stay plain calls.
/// </summary>
public static class DomainEventsRegistration
{
    public static IServiceCollection AddDomainEvents(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IPublisher)))
        {
            services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Singleton);
        }

        // The generator registers every handler in this assembly, so the stores they use come along;
        // the scheduler they use comes from AddScheduling.
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<NoticeLedger>();
        services.AddNoticeOutbox();
        services.TryAddSingleton<ServiceBot.Services.Conversations.ConversationStateStore>();

        return services;
    }
}
