using ServiceBot.Services.Orders;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Orders.OrderFixtures;

namespace ServiceBot.Tests.Orders;

public sealed class OrderStoreTests
{
    private readonly OrderStore _orders = new(new InMemoryDocumentStore());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_CreatesThenReplaces()
    {
        Assert.True(await _orders.PutAsync(Shipped("A1", "oMe"), Ct));
        Assert.False(await _orders.PutAsync(Shipped("A1", "oMe") with { Status = OrderStatus.Delivered }, Ct));

        Assert.Equal(OrderStatus.Delivered, (await _orders.GetAsync("A1", Ct))!.Status);
    }

    [Fact]
    public async Task Replace_KeepsTheCourierScan_OfTheSameParcel_ButNotOfANewOne()
    {
        var order = Shipped("A1", "oMe");
        await _orders.PutAsync(order, Ct);

        await _orders.PutAsync(order with { Shipment = order.Shipment! with { LatestScan = null } }, Ct);
        Assert.NotNull((await _orders.GetAsync("A1", Ct))!.Shipment!.LatestScan);

        await _orders.PutAsync(
            order with
            {
                Shipment = order.Shipment! with { TrackingNumber = "SF-NEW", LatestScan = null },
            },
            Ct
        );
        Assert.Null((await _orders.GetAsync("A1", Ct))!.Shipment!.LatestScan);
    }

    [Fact]
    public async Task MovedToAnotherCustomer_LeavesTheFirstCustomersList()
    {
        await _orders.PutAsync(Shipped("A1", "oMe"), Ct);
        await _orders.PutAsync(Shipped("A1", "oOther"), Ct);

        Assert.Empty(await _orders.ListForCustomerAsync("oMe", 5, Ct));
        Assert.Single(await _orders.ListForCustomerAsync("oOther", 5, Ct));
        Assert.Null(await _orders.GetForCustomerAsync("A1", "oMe", Ct));
    }

    [Fact]
    public async Task List_IsMostRecentFirst_AndCapped()
    {
        for (var i = 1; i <= 7; i++)
        {
            await _orders.PutAsync(Shipped($"A{i}", "oMe", daysAgo: i), Ct);
        }

        var listed = await _orders.ListForCustomerAsync("oMe", 5, Ct);

        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], listed.Select(o => o.OrderId));
    }

    [Theory]
    [InlineData("", "oMe", "orderId")]
    [InlineData("A/1", "oMe", "orderId")]
    [InlineData("A1", "", "openId")]
    public void Validate_NamesTheField(string id, string openId, string field) =>
        Assert.Contains(
            field,
            OrderValidator.Validate(Shipped("A1", "oMe") with { OrderId = id, OpenId = openId }).Keys
        );

    [Fact]
    public void Validate_ItemsAndShipment_AreCheckedFieldByField()
    {
        var order = Shipped("A1", "oMe") with
        {
            Items = [new OrderItem("", "", 0, -1m)],
            Shipment = new Shipment("", "bad number!", ShipmentStatus.InTransit, null),
        };

        Assert.Equal(
            [
                "items[0].name",
                "items[0].price",
                "items[0].quantity",
                "items[0].sku",
                "shipment.carrier",
                "shipment.trackingNumber",
            ],
            OrderValidator.Validate(order).Keys.Order(StringComparer.Ordinal)
        );
        Assert.Empty(OrderValidator.Validate(Shipped("A1", "oMe")));
    }
}
