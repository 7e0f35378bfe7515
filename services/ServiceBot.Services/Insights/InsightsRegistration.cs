using Microsoft.Extensions.DependencyInjection;

namespace ServiceBot.Services.Insights;

internal static class InsightsRegistration
{
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddSingleton<InsightsStore>();
        services.AddHostedService<InsightsFlush>();
        return services;
    }
}
