using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Policy;

namespace ServiceBot.Services.Orders;

public static class OrdersRegistration
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddNoticePolicy(); // the policy's time zone is the one order times are shown in
        services.TryAddSingleton<OrderStore>();
        services.AddDialog<OrderLookupDialog>();
        services.AddSingleton<ITopic, OrderTopic>();
        return services;
    }
}
