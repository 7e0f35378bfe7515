using Mediator;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Shipments;

/// <summary>What a courier reports about a parcel.</summary>
internal sealed record CourierEvent(
    string CourierId,
    string EventId,
    string Carrier,
    string TrackingNumber,
    ShipmentStatus Status,
    DateTimeOffset OccurredAt,
    string? Location
);

// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum CourierEventOutcome
{
    /// <summary>The shipment moved to the event's status.</summary>
    Applied,

    /// <summary>This event id was applied before: nothing happens a second time.</summary>
    Duplicate,

    /// <summary>Older than what we know, or it would move the parcel backwards: recorded, not applied.</summary>
    Stale,

    /// <summary>No order ships under this tracking number.</summary>
    UnknownTrackingNumber,
}

/// <summary>
/// A shipment is at a new status (domain event). Raised once per change, and again when the same
/// courier event is replayed while the shipment is still at that status, so a crash between saving
/// the order and announcing the change loses nothing; consumers are idempotent.
/// </summary>
internal sealed record ShipmentStatusChanged(Order Order, ShipmentStatus From, ShipmentStatus To, CourierEvent Event)
    : INotification;
