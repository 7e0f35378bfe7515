using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServiceBot.Services.Campaigns;

internal static class CampaignsRegistration
{
    /// <summary>
    /// Promotions: stored campaigns, audience by purchase, preview, and a paged fan-out through the notice policy.
    /// </summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.TryAddSingleton<CampaignStore>();
        services.TryAddSingleton<CampaignAudienceFinder>();
        services.AddHostedService<AudienceIndexBackfill>();
        services.TryAddSingleton<CampaignRunner>();
        services.TryAddSingleton<CampaignScheduler>();
        return services;
    }
}
