using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Handoff;

internal static class HandoffRegistration
{
    /// <summary>Handoff to people: the queue the dialogs use, the lock's inbox, and the agents' desk.</summary>
    public static IServiceCollection AddHandoff(this IServiceCollection services)
    {
        services.AddOptions<HandoffOptions>().BindConfiguration(HandoffOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<HandoffOptions>, HandoffOptionsValidator>()
        );
        services.TryAddSingleton<HandoffCaseStore>();
        services.TryAddSingleton<CustomerHandoff>();
        services.Replace(
            ServiceDescriptor.Singleton<IHandoffInbox>(provider => provider.GetRequiredService<CustomerHandoff>())
        );
        services.TryAddSingleton<AgentDesk>();
        services.TryAddSingleton<CallbackRequests>();
        return services;
    }

    /// <summary>
    /// "回电" / "call me" in the menu: a customer leaves a number for an agent to call back (offered when nobody claims a
    /// chat in time).
    /// </summary>
    public static IServiceCollection AddCallbacks(this IServiceCollection services)
    {
        services.AddDialog<CallbackDialog>();
        services.AddSingleton<ITopic, CallbackTopic>();
        return services;
    }
}
