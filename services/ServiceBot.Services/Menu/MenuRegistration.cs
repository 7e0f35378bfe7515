using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Handoff;

namespace ServiceBot.Services.Menu;

public static class MenuRegistration
{
    public static IServiceCollection AddMainMenu(this IServiceCollection services)
    {
        services.AddHandoff();
        return services.AddDialog<MainDialog>();
    }
}
