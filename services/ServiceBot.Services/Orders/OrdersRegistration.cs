using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Orders;

internal static class OrdersRegistration
{
    /// <summary>
    /// The shop's orders (the one registration of <see cref="OrderStore"/>) and the order lookup in the menu.
    /// </summary>
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<OrderScenes>();
        services.AddHostedService<OrderSceneRetention>();
        services.AddSingleton<IGlobalCommand, OrderScanCommand>();
        services.AddDialog<OrderLookupDialog>();
        services.AddSingleton<ITopic, OrderTopic>();
        return services;
    }
}
