using Mediator;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Shipments;

/// <summary>
/// Applies courier events to the order they belong to, inside one conditional write of the order:
/// an event older than the latest scan, or one that would move the parcel backwards, changes
/// nothing; the same event id again is a no-op (the order keeps its last event ids).
/// </summary>
internal sealed class ShipmentTracker(OrderStore orders, IPublisher publisher)
{
    internal const int RememberedEvents = 32;

    public async Task<(CourierEventOutcome Outcome, Order? Order)> ApplyAsync(
        CourierEvent courierEvent,
        CancellationToken cancellationToken,
        IReadOnlySet<string>? carriers = null
    )
    {
        // With the reporting courier's carriers, a parcel shipped by another is not its to move.
        if (
            await orders.FindByTrackingAsync(courierEvent.TrackingNumber, cancellationToken) is not { } order
            || carriers is not null && !carriers.Contains(order.Shipment?.Carrier ?? "")
        )
        {
            return (CourierEventOutcome.UnknownTrackingNumber, null);
        }

        var outcome = CourierEventOutcome.Stale;
        var updated = await orders.UpdateAsync(
            order.OrderId,
            current =>
            {
                var (result, next) = Apply(current, courierEvent);
                outcome = result;
                return next;
            },
            cancellationToken
        );
        if (updated is not { } change)
        {
            return (CourierEventOutcome.UnknownTrackingNumber, null);
        }

        var before = change.Before.Shipment!.Status;
        var after = change.After.Shipment!.Status;
        var changed = outcome == CourierEventOutcome.Applied && before != after;
        var replayedAtThisStatus = outcome == CourierEventOutcome.Duplicate && after == courierEvent.Status;
        if (changed || replayedAtThisStatus)
        {
            await publisher.Publish(
                new ShipmentStatusChanged(change.After, before, after, courierEvent),
                cancellationToken
            );
        }

        return (outcome, change.After);
    }

    /// <summary>The pure rule: what the event does to the order (null: nothing).</summary>
    internal static (CourierEventOutcome Outcome, Order? Next) Apply(Order order, CourierEvent courierEvent)
    {
        var shipment = order.Shipment!;
        var seen = shipment.RecentEventIds ?? [];
        if (seen.Contains(courierEvent.EventId))
        {
            return (CourierEventOutcome.Duplicate, null);
        }

        var remembered = seen.Append(courierEvent.EventId).TakeLast(RememberedEvents).ToArray();
        var latest = shipment.LatestScan;
        var older = latest is not null && courierEvent.OccurredAt < latest.At;
        if (older || IsBackwards(shipment.Status, courierEvent.Status))
        {
            return (CourierEventOutcome.Stale, order with { Shipment = shipment with { RecentEventIds = remembered } });
        }

        var delivered = courierEvent.Status == ShipmentStatus.Delivered;
        var next = order with
        {
            Status =
                delivered ? OrderStatus.Delivered
                : order.Status == OrderStatus.Paid ? OrderStatus.Shipped
                : order.Status,
            Shipment = shipment with
            {
                Status = courierEvent.Status,
                DeliveredAt = delivered ? courierEvent.OccurredAt : shipment.DeliveredAt,
                LatestScan = new CourierScan(courierEvent.Status, courierEvent.Location, courierEvent.OccurredAt),
                RecentEventIds = remembered,
            },
        };
        return (CourierEventOutcome.Applied, next);
    }

    // The parcel only moves forward: picked up → in transit → out for delivery → arrived → delivered.
    // An exception can happen at any point, and the parcel moves on from one.
    private static bool IsBackwards(ShipmentStatus current, ShipmentStatus next) =>
        next != ShipmentStatus.Exception && current != ShipmentStatus.Exception && next < current;
}
