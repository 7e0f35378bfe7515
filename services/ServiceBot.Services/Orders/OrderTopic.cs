using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Orders;

/// <summary>The "order status" menu entry: menu key ORDER_STATUS, or words about orders and parcels.</summary>
internal sealed class OrderTopic : ITopic
{
    private static readonly string[] Chinese = ["订单", "快递", "物流", "包裹", "到哪", "发货", "单号"];
    private static readonly string[] English =
    [
        "order",
        "parcel",
        "package",
        "tracking",
        "shipping",
        "delivery",
        "shipment",
    ];

    public string MenuKey => "ORDER_STATUS";

    public string DialogId => OrderLookupDialog.DialogId;

    public int Order => 10;

    public string Title(bool english) => OrderText.TrackTitle(english);

    public bool Matches(string text) =>
        Chinese.Any(w => text.Contains(w, StringComparison.Ordinal))
        || English.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
}
