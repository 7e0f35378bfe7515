using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Conversations.Delivery;

internal static class DeliveryRegistration
{
    /// <summary>
    /// Sending outside a turn: the messenger (with the retry of sends a channel did not take) and the
    /// send-once outbox that notices, pushed replies and return decisions go through.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SendRetry(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ProactiveMessenger>();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>()
        );
        services.TryAddSingleton(provider => new SendOnceOutbox(
            provider.GetRequiredService<IDocumentStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.ClaimLease,
            provider.GetRequiredService<SendRetry>()
        ));
        return services;
    }
}
