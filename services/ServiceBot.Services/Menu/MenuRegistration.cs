using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Menu;

internal static class MenuRegistration
{
    public static IServiceCollection AddMainMenu(this IServiceCollection services)
    {
        return services.AddDialog<MainDialog>();
    }
}
