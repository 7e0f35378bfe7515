using System.Text.Json.Serialization;

namespace ServiceBot.Services.Orders;

/// <summary>
/// An order as the merchant feeds it, plus what couriers reported about its shipment. An order from
/// the shop may come without the customer's OpenID: it waits, unbound, until the customer scans its
/// packing-slip QR code or names it in the chat with the last four digits of the phone on it.
/// </summary>
internal sealed record Order(
    string OrderId,
    string? OpenId,
    DateTimeOffset PlacedAt,
    OrderStatus Status,
    IReadOnlyList<OrderItem> Items,
    Shipment? Shipment
)
{
    /// <summary>The last four digits of the phone on the order: all the chat's check needs of it.</summary>
    public string? PhoneTail { get; init; }
}

internal sealed record OrderItem(string Sku, string Name, int Quantity, decimal Price);

/// <summary>The parcel: carrier, tracking number, courier status and the latest scan, if any.</summary>
internal sealed record Shipment(
    string Carrier,
    string TrackingNumber,
    ShipmentStatus Status,
    DateTimeOffset? DeliveredAt,
    CourierScan? LatestScan = null,
    IReadOnlyList<string>? RecentEventIds = null
);

/// <summary>What a courier last reported: where and when.</summary>
internal sealed record CourierScan(ShipmentStatus Status, string? Location, DateTimeOffset At);

internal enum OrderStatus
{
    [JsonStringEnumMemberName("paid")]
    Paid,

    [JsonStringEnumMemberName("shipped")]
    Shipped,

    [JsonStringEnumMemberName("delivered")]
    Delivered,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>The courier words of the contract, in the order a parcel moves through them.</summary>
// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum ShipmentStatus
{
    [JsonStringEnumMemberName("picked_up")]
    PickedUp,

    [JsonStringEnumMemberName("in_transit")]
    InTransit,

    [JsonStringEnumMemberName("out_for_delivery")]
    OutForDelivery,

    [JsonStringEnumMemberName("arrived")]
    Arrived,

    [JsonStringEnumMemberName("delivered")]
    Delivered,

    [JsonStringEnumMemberName("exception")]
    Exception,
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(CustomerOrderEntry))]
internal sealed partial class OrderJsonContext : JsonSerializerContext;
