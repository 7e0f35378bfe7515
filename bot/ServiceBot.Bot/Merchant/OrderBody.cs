using System.Text.Json.Serialization;
using ServiceBot.Services.Orders;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// The order as the merchant sends it; every field optional here so a missing one is named, not a crash.
/// </summary>
internal sealed record OrderBody(
    string? OrderId,
    string? OpenId,
    DateTimeOffset? PlacedAt,
    OrderStatus? Status,
    IReadOnlyList<OrderItemBody>? Items,
    ShipmentBody? Shipment,
    ContactBody? Contact = null
);

/// <summary>A packing-slip QR code: WeChat's ticket, the image to print, and when it stops working.</summary>
internal sealed record OrderQr(string Ticket, Uri Url, DateTimeOffset ExpiresAt);

/// <summary>Who to reach: only the phone's last four digits are kept, for the customer to bind the order.</summary>
internal sealed record ContactBody(string? Phone);

internal sealed record OrderItemBody(string? Sku, string? Name, int? Quantity, decimal? Price);

internal sealed record ShipmentBody(
    string? Carrier,
    string? TrackingNumber,
    ShipmentStatus? Status,
    DateTimeOffset? DeliveredAt
);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    AllowTrailingCommas = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip
)]
[JsonSerializable(typeof(OrderBody))]
[JsonSerializable(typeof(OrderQr))]
[JsonSerializable(typeof(ErasureAnswer))]
internal sealed partial class MerchantJsonContext : JsonSerializerContext;
