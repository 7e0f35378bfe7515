using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServiceBot.Services.Shipments;

public static class ShipmentsRegistration
{
    public static IServiceCollection AddShipmentTracking(this IServiceCollection services)
    {
        services.TryAddSingleton<ShipmentTracker>();
        return services;
    }
}
