using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.DomainEvents;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Policy;

namespace ServiceBot.Services.Handoff;

public static class HandoffRegistration
{
    /// <summary>Handoff to people: the queue the dialogs use, the lock's inbox, and the agents' desk.</summary>
    public static IServiceCollection AddHandoff(this IServiceCollection services)
    {
        services.AddOptions<HandoffOptions>().BindConfiguration(HandoffOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HandoffOptions>, HandoffOptionsValidator>());
        services.AddNoticePolicy();
        services.TryAddSingleton<HandoffCaseStore>();
        services.TryAddSingleton<CustomerPhotos>();
        services.TryAddSingleton<CustomerHandoff>();
        services.Replace(ServiceDescriptor.Singleton<IHandoffInbox>(provider => provider.GetRequiredService<CustomerHandoff>()));
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<ProactiveMessenger>();
        services.TryAddSingleton<AgentDesk>();
        services.AddDomainEvents();
        return services;
    }
}
