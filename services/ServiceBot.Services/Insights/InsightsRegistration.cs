using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Insights;

internal static class InsightsRegistration
{
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddSingleton<InsightsStore>();
        services.AddHostedService<InsightsFlush>();
        // First of the global commands: one that answers a follow (a QR scan binding an order) ends the
        // commands, and every follow must be counted.
        services.Insert(0, ServiceDescriptor.Singleton<IGlobalCommand, FollowWatch>());
        return services;
    }
}
