using ServiceBot.Services.Orders;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>PUT/GET /api/orders/{orderId}</c>: the merchant feeds orders; a bad one is refused whole, naming the
/// field. An order may come without the customer's OpenID; <c>POST /api/orders/{orderId}/qr</c> makes the
/// packing-slip QR code whose scan binds it.
/// </summary>
internal static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder merchant)
    {
        merchant
            .MapPut("/orders/{orderId}", PutAsync)
            .WithName("PutOrder")
            .Accepts<OrderBody>("application/json")
            .Produces<Order>()
            .Produces<Order>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        merchant
            .MapPost("/orders/{orderId}/qr", QrAsync)
            .WithName("CreateOrderQr")
            .Produces<OrderQr>()
            .Produces(StatusCodes.Status404NotFound);
        merchant
            .MapGet("/orders/{orderId}", async (string orderId, OrderStore orders, CancellationToken ct) =>
                OrderIds.IsValid(orderId) && await orders.GetAsync(orderId, ct) is { } order
                    ? Results.Json(order, OrderJsonContext.Default.Order)
                    : Results.NotFound()
            )
            .WithName("GetOrder")
            .Produces<Order>()
            .Produces(StatusCodes.Status404NotFound);
        return merchant;
    }

    private static async Task<IResult> PutAsync(
        string orderId,
        HttpRequest request,
        OrderStore orders,
        Mediator.IPublisher publisher,
        CancellationToken ct
    )
    {
        var (body, problem) = await MerchantProblems.ReadAsync(request, MerchantJsonContext.Default.OrderBody, ct);
        if (body is null)
        {
            return problem!;
        }

        if (body.OrderId is { } named && named != orderId)
        {
            return MerchantProblems.Invalid("orderId", "must match the order id in the URL.");
        }

        if (ToOrder(orderId, body, out var missing) is not { } order)
        {
            return MerchantProblems.Invalid(missing, "is required.");
        }

        if (body.Contact?.Phone is { } phone && (phone.Length > 32 || PhoneTails.TailOf(phone) is null))
        {
            return MerchantProblems.Invalid("contact.phone", "a phone number of at least 7 digits.");
        }

        var errors = OrderValidator.Validate(order);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        }

        var (before, stored) = await orders.ReplaceAsync(order, ct);
        if (before is { Status: OrderStatus.Paid } && stored is { Status: OrderStatus.Shipped })
        {
            await publisher.Publish(new OrderMarkedShipped(stored), ct);
        }

        return before is null
            ? Results.Json(stored, OrderJsonContext.Default.Order, statusCode: StatusCodes.Status201Created)
            : Results.Json(stored, OrderJsonContext.Default.Order);
    }

    private static async Task<IResult> QrAsync(
        string orderId,
        OrderStore orders,
        OrderScenes scenes,
        Channels.WeChat.Api.WeChatAccountApi wechat,
        CancellationToken ct
    )
    {
        if (!OrderIds.IsValid(orderId) || await orders.GetAsync(orderId, ct) is null)
        {
            return Results.NotFound();
        }

        var (scene, expiresAt) = await scenes.IssueAsync(orderId, ct);
        var (result, ticket) = await wechat.CreateQrCodeAsync(scene, OrderScenes.Lifetime, ct);
        return ticket is null
            ? Results.Problem(
                $"WeChat did not make the QR code: {result.Status} ({result.ErrCode}).",
                statusCode: StatusCodes.Status502BadGateway
            )
            : Results.Json(
                new OrderQr(ticket, Channels.WeChat.Api.WeChatAccountApi.QrImageUrl(ticket), expiresAt),
                MerchantJsonContext.Default.OrderQr
            );
    }

    private static Order? ToOrder(string orderId, OrderBody body, out string missing)
    {
        missing = body switch
        {
            { PlacedAt: null } => "placedAt",
            { Status: null } => "status",
            { Items: null } => "items",
            _ => "",
        };
        var items = new List<OrderItem>();
        for (var i = 0; missing.Length == 0 && i < body.Items!.Count; i++)
        {
            var item = body.Items[i];
            missing = item switch
            {
                null => $"items[{i}]",
                { Sku: null } => $"items[{i}].sku",
                { Name: null } => $"items[{i}].name",
                { Quantity: null } => $"items[{i}].quantity",
                { Price: null } => $"items[{i}].price",
                _ => "",
            };
            if (missing.Length == 0)
            {
                items.Add(new OrderItem(item!.Sku!, item.Name!, item.Quantity!.Value, item.Price!.Value));
            }
        }

        if (missing.Length == 0 && body.Shipment is { Status: null })
        {
            missing = "shipment.status";
        }

        if (missing.Length > 0)
        {
            return null;
        }

        var shipment = body.Shipment is { } s
            ? new Shipment(s.Carrier ?? "", s.TrackingNumber ?? "", s.Status!.Value, s.DeliveredAt)
            : null;
        return new Order(orderId, body.OpenId, body.PlacedAt!.Value, body.Status!.Value, items, shipment)
        {
            PhoneTail = PhoneTails.TailOf(body.Contact?.Phone),
        };
    }

    // "$.items[0].quantity" → "items[0].quantity"
}
