using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using ServiceBot.Services.Storage;
using StackExchange.Redis;

namespace ServiceBot.Bot.ScaleOut;

/// <summary>
/// What lets several instances behind a load balancer act as one: a shared data-protection key ring
/// (in the store), and, when <c>ScaleOut:Redis</c> is set, a Redis backplane for the agent console's
/// SignalR hub. Storage (Azure Blob) and the scheduler (PostgreSQL, clustered) are shared by their own settings.
/// </summary>
internal static class ScaleOutRegistration
{
    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("ServiceBot");
        services.AddOptions<KeyManagementOptions>().Configure<IDocumentStore>((options, store) => options.XmlRepository = new StoredKeyRing(store));

        // Read while services are registered: the backplane is wired into SignalR here or not at all.
        if (configuration["ScaleOut:Redis"] is { Length: > 0 } redis)
        {
            services.AddSignalR().AddStackExchangeRedis(redis, options =>
                options.Configuration.ChannelPrefix = RedisChannel.Literal("servicebot"));
        }

        return services;
    }
}
