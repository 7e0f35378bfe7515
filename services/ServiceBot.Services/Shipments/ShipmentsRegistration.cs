using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.DomainEvents;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Shipments;

public static class ShipmentsRegistration
{
    public static IServiceCollection AddShipmentTracking(this IServiceCollection services)
    {
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<ShipmentTracker>();
        services.AddDomainEvents();
        return services;
    }
}
