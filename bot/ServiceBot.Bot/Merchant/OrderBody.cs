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
    ShipmentBody? Shipment
);

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
internal sealed partial class MerchantJsonContext : JsonSerializerContext;
