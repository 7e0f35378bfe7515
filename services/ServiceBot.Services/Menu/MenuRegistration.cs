using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Handoff;

namespace ServiceBot.Services.Menu;

public static class MenuRegistration
{
    public static IServiceCollection AddMainMenu(this IServiceCollection services)
    {
        services.TryAddSingleton<EscalationRequests>();
        return services.AddDialog<MainDialog>();
    }
}
