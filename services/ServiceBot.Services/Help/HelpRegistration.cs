using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Help;

internal static class HelpRegistration
{
    public static IServiceCollection AddUsageHelp(this IServiceCollection services)
    {
        services.TryAddSingleton<HelpStore>();
        services.TryAddSingleton<HelpSearch>();
        services.AddDialog<HelpDialog>();
        services.AddSingleton<ITopic, HelpTopic>();
        return services;
    }
}
