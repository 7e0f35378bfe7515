using Mediator;
using Moq;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Shipments;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Orders.OrderFixtures;

namespace ServiceBot.Tests.Shipments;

public sealed class ShipmentTrackerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Order InTransitAt(DateTimeOffset at) =>
        Shipped("A1", "oMe") with
        {
            Shipment = new Shipment(
                "SF",
                "SF100",
                ShipmentStatus.InTransit,
                null,
                new CourierScan(ShipmentStatus.InTransit, "杭州", at)
            ),
        };

    private static CourierEvent Event(string id, ShipmentStatus status, DateTimeOffset at, string? location = "上海") =>
        new("sf", id, "SF", "SF100", status, at, location);

    public static TheoryData<ShipmentStatus, int, CourierEventOutcome, ShipmentStatus> Rules() =>
        new()
        {
            // event status, minutes after the latest scan, outcome, resulting status
            { ShipmentStatus.OutForDelivery, 10, CourierEventOutcome.Applied, ShipmentStatus.OutForDelivery },
            { ShipmentStatus.InTransit, 10, CourierEventOutcome.Applied, ShipmentStatus.InTransit },
            { ShipmentStatus.Delivered, 0, CourierEventOutcome.Applied, ShipmentStatus.Delivered },
            { ShipmentStatus.OutForDelivery, -1, CourierEventOutcome.Stale, ShipmentStatus.InTransit },
            { ShipmentStatus.PickedUp, 10, CourierEventOutcome.Stale, ShipmentStatus.InTransit },
            { ShipmentStatus.Exception, 10, CourierEventOutcome.Applied, ShipmentStatus.Exception },
            { ShipmentStatus.Exception, -5, CourierEventOutcome.Stale, ShipmentStatus.InTransit },
        };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Apply_MovesForwardOnly_AndNeverOnAnOlderEvent(
        ShipmentStatus status,
        int minutesLater,
        CourierEventOutcome outcome,
        ShipmentStatus result
    )
    {
        var order = InTransitAt(Now);

        var (actual, next) = ShipmentTracker.Apply(order, Event("e1", status, Now.AddMinutes(minutesLater)));

        Assert.Equal(outcome, actual);
        Assert.Equal(result, (next ?? order).Shipment!.Status);
        Assert.Contains("e1", next!.Shipment!.RecentEventIds!);
    }

    [Fact]
    public void Apply_AfterAnException_TheParcelMovesOn()
    {
        var order = InTransitAt(Now) with
        {
            Shipment = InTransitAt(Now).Shipment! with { Status = ShipmentStatus.Exception },
        };

        Assert.Equal(
            CourierEventOutcome.Applied,
            ShipmentTracker.Apply(order, Event("e2", ShipmentStatus.InTransit, Now.AddHours(1))).Outcome
        );
    }

    [Fact]
    public void Apply_Delivered_RecordsWhen_AndDeliversTheOrder()
    {
        var (_, next) = ShipmentTracker.Apply(
            InTransitAt(Now),
            Event("e3", ShipmentStatus.Delivered, Now.AddHours(2), "前台")
        );

        Assert.Equal(OrderStatus.Delivered, next!.Status);
        Assert.Equal(Now.AddHours(2), next.Shipment!.DeliveredAt);
        Assert.Equal(new CourierScan(ShipmentStatus.Delivered, "前台", Now.AddHours(2)), next.Shipment.LatestScan);
    }

    [Fact]
    public void Apply_TheSameEventIdAgain_IsADuplicate()
    {
        var (_, once) = ShipmentTracker.Apply(
            InTransitAt(Now),
            Event("e4", ShipmentStatus.OutForDelivery, Now.AddMinutes(5))
        );

        Assert.Equal(
            (CourierEventOutcome.Duplicate, (Order?)null),
            ShipmentTracker.Apply(once!, Event("e4", ShipmentStatus.OutForDelivery, Now.AddMinutes(5)))
        );
    }

    [Fact]
    public async Task Tracker_AnnouncesEachChange_AndAReplayAtTheSameStatus_NeverAStaleOrUnknownEvent()
    {
        var orders = new OrderStore(new InMemoryDocumentStore());
        await orders.PutAsync(InTransitAt(Now), Ct);
        var publisher = new Mock<IPublisher>();
        var tracker = new ShipmentTracker(orders, publisher.Object);

        var first = await tracker.ApplyAsync(Event("e5", ShipmentStatus.OutForDelivery, Now.AddMinutes(5)), Ct);
        var replay = await tracker.ApplyAsync(Event("e5", ShipmentStatus.OutForDelivery, Now.AddMinutes(5)), Ct);
        var older = await tracker.ApplyAsync(Event("e6", ShipmentStatus.InTransit, Now.AddMinutes(1)), Ct);
        var unknown = await tracker.ApplyAsync(
            Event("e7", ShipmentStatus.Delivered, Now) with
            {
                TrackingNumber = "NOPE1",
            },
            Ct
        );
        var delivered = await tracker.ApplyAsync(Event("e8", ShipmentStatus.Delivered, Now.AddHours(1)), Ct);
        var lateReplay = await tracker.ApplyAsync(Event("e5", ShipmentStatus.OutForDelivery, Now.AddMinutes(5)), Ct);

        Assert.Equal(
            [
                CourierEventOutcome.Applied,
                CourierEventOutcome.Duplicate,
                CourierEventOutcome.Stale,
                CourierEventOutcome.UnknownTrackingNumber,
                CourierEventOutcome.Applied,
                CourierEventOutcome.Duplicate,
            ],
            new[]
            {
                first.Outcome,
                replay.Outcome,
                older.Outcome,
                unknown.Outcome,
                delivered.Outcome,
                lateReplay.Outcome,
            }
        );

        // The replay is announced again (a crash between saving and announcing loses nothing; the
        // scheduler is idempotent), but once the parcel moved on, the old event announces nothing.
        publisher.Verify(
            p =>
                p.Publish(
                    It.Is<ShipmentStatusChanged>(c =>
                        c.From == ShipmentStatus.InTransit
                        && c.To == ShipmentStatus.OutForDelivery
                        && c.Order.OrderId == "A1"
                    ),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
        publisher.Verify(
            p =>
                p.Publish(
                    It.Is<ShipmentStatusChanged>(c =>
                        c.From == ShipmentStatus.OutForDelivery && c.To == ShipmentStatus.OutForDelivery
                    ),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
        publisher.Verify(
            p =>
                p.Publish(
                    It.Is<ShipmentStatusChanged>(c =>
                        c.From == ShipmentStatus.OutForDelivery && c.To == ShipmentStatus.Delivered
                    ),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
        publisher.VerifyNoOtherCalls();
        Assert.Equal(ShipmentStatus.Delivered, (await orders.GetAsync("A1", Ct))!.Shipment!.Status);
    }
}
