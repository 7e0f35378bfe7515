using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServiceBot.Services.Shipments;

internal static class ShipmentsRegistration
{
    public static IServiceCollection AddShipmentTracking(this IServiceCollection services)
    {
        services.TryAddSingleton<ShipmentTracker>();
        return services;
    }
}
