using ServiceBot.Services.Orders;

namespace ServiceBot.Tests.Orders;

internal static class OrderFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    public static Order Shipped(string id, string openId, int daysAgo = 1) =>
        new(
            id,
            openId,
            Now.AddDays(-daysAgo),
            OrderStatus.Shipped,
            [new OrderItem("CUP-1", "保温杯", 1, 99m), new OrderItem("LID-1", "杯盖", 2, 9.5m)],
            new Shipment(
                "顺丰",
                $"SF{id}",
                ShipmentStatus.InTransit,
                null,
                new CourierScan(ShipmentStatus.OutForDelivery, "上海浦东", Now.AddHours(-2))
            )
        );

    public static Order Delivered(string id, string openId, int daysAgo = 3) =>
        new(
            id,
            openId,
            Now.AddDays(-daysAgo),
            OrderStatus.Delivered,
            [new OrderItem("KETTLE-1", "电热水壶", 1, 159m)],
            new Shipment("中通", $"ZT{id}", ShipmentStatus.Delivered, Now.AddDays(-daysAgo + 2))
        );
}
