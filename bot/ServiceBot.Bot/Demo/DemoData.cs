using ServiceBot.Services.Help;
using ServiceBot.Services.Orders;

namespace ServiceBot.Bot.Demo;

internal sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>
    /// Loads demo products, help and per-visitor orders. On in Development (dotnet run), off by default.
    /// </summary>
    public bool Enabled { get; set; }
}

/// <summary>
/// A small shop to try the bot with: three products with help articles, and for each web chat
/// visitor two orders of their own (one delivered, one out for delivery).
/// </summary>
internal sealed class DemoData(HelpStore help, OrderStore orders, TimeProvider time)
{
    public static readonly IReadOnlyList<ProductHelp> Products =
    [
        new(
            "CUP-1",
            [
                new HelpArticle(
                    "保温杯怎么清洗",
                    "用温水加少量小苏打浸泡十分钟，再用软毛刷清洗杯身和杯盖密封圈。请不要放进洗碗机。",
                    ["清洗", "洗", "clean", "wash"]
                ),
                new HelpArticle(
                    "How to keep drinks hot longer",
                    "Pre-warm the cup with hot water for one minute, pour your drink, then close the lid "
                        + "until it clicks.",
                    ["hot", "warm", "保温", "预热"]
                ),
            ]
        ),
        new(
            "KETTLE-1",
            [
                new HelpArticle(
                    "电热水壶除水垢",
                    "加入半壶水和两勺柠檬酸，烧开后静置三十分钟，倒掉后用清水冲洗两次。",
                    ["水垢", "除垢", "descale", "limescale"]
                ),
                new HelpArticle(
                    "Kettle will not switch on",
                    "Check that the kettle sits flat on its base and the lid is closed; the switch stays "
                        + "off while the lid is open.",
                    ["switch", "power", "开关", "不加热"]
                ),
            ]
        ),
        new(
            "SPEAKER-1",
            [
                new HelpArticle(
                    "蓝牙音箱配对",
                    "长按电源键三秒，指示灯蓝色闪烁后，在手机蓝牙列表中选择“ServiceBot Speaker”。",
                    ["蓝牙", "配对", "连接", "bluetooth", "pair"]
                ),
            ]
        ),
    ];

    public async Task LoadProductsAsync(CancellationToken cancellationToken)
    {
        foreach (var product in Products)
        {
            if (await help.GetAsync(product.Sku, cancellationToken) is null)
            {
                await help.PutAsync(product, cancellationToken);
            }
        }
    }

    /// <summary>Gives a new visitor two orders to look up, return and ask about.</summary>
    public async Task PrepareVisitorAsync(string userId, CancellationToken cancellationToken)
    {
        if ((await orders.ListForCustomerAsync(userId, 1, cancellationToken)).Count > 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var prefix = "D" + userId[..6].ToUpperInvariant();
        await orders.PutAsync(
            new Order(
                $"{prefix}-1",
                userId,
                now.AddDays(-4),
                OrderStatus.Delivered,
                [new OrderItem("KETTLE-1", "电热水壶 Kettle", 1, 159m)],
                new Shipment("中通 ZTO", $"ZT{prefix}1", ShipmentStatus.Delivered, now.AddDays(-2))
            ),
            cancellationToken
        );
        await orders.PutAsync(
            new Order(
                $"{prefix}-2",
                userId,
                now.AddDays(-1),
                OrderStatus.Shipped,
                [
                    new OrderItem("CUP-1", "保温杯 Travel cup", 1, 99m),
                    new OrderItem("SPEAKER-1", "蓝牙音箱 Speaker", 1, 199m),
                ],
                new Shipment(
                    "顺丰 SF",
                    $"SF{prefix}2",
                    ShipmentStatus.InTransit,
                    null,
                    new CourierScan(ShipmentStatus.OutForDelivery, "上海浦东 Pudong", now.AddHours(-1))
                )
            ),
            cancellationToken
        );
    }
}

/// <summary>Loads the demo products when the bot starts, if demo mode is on.</summary>
internal sealed class DemoLoader(DemoData demo, Microsoft.Extensions.Options.IOptions<DemoOptions> options)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? demo.LoadProductsAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class DemoRegistration
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        services.AddSingleton<DemoData>();
        services.AddHostedService<DemoLoader>();
        return services;
    }
}
