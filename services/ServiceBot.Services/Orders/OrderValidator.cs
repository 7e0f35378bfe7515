namespace ServiceBot.Services.Orders;

/// <summary>Checks an order from the merchant; each failure names the field, e.g. <c>items[0].quantity</c>.</summary>
internal static class OrderValidator
{
    public static IReadOnlyDictionary<string, string> Validate(Order order)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!OrderIds.IsValid(order.OrderId))
        {
            errors["orderId"] = $"1-{OrderIds.MaxLength} letters, digits, '-' or '_'.";
        }

        if (
            order.OpenId is { } openId
            && (openId.Length is 0 or > 64 || !openId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        )
        {
            errors["openId"] = "the customer's OpenID (letters, digits, '-' or '_'), or absent for an unbound order.";
        }

        if (order.Items is not { Count: > 0 })
        {
            errors["items"] = "at least one item is required.";
        }
        else
        {
            for (var i = 0; i < order.Items.Count; i++)
            {
                var item = order.Items[i];
                if (
                    string.IsNullOrWhiteSpace(item.Sku)
                    || item.Sku.Length > 64
                    || item.Sku.Contains('/', StringComparison.Ordinal)
                )
                {
                    errors[$"items[{i}].sku"] = "required, at most 64 characters, no '/'.";
                }

                if (string.IsNullOrWhiteSpace(item.Name) || item.Name.Length > 200)
                {
                    errors[$"items[{i}].name"] = "required, at most 200 characters.";
                }

                if (item.Quantity < 1)
                {
                    errors[$"items[{i}].quantity"] = "must be at least 1.";
                }

                if (item.Price < 0)
                {
                    errors[$"items[{i}].price"] = "must not be negative.";
                }
            }
        }

        if (order.Shipment is { } shipment)
        {
            if (string.IsNullOrWhiteSpace(shipment.Carrier) || shipment.Carrier.Length > 64)
            {
                errors["shipment.carrier"] = "required with a shipment, at most 64 characters.";
            }

            if (
                string.IsNullOrWhiteSpace(shipment.TrackingNumber)
                || shipment.TrackingNumber.Length > 64
                || !shipment.TrackingNumber.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            )
            {
                errors["shipment.trackingNumber"] = "required with a shipment: letters, digits, '-' or '_'.";
            }
        }

        return errors;
    }
}
