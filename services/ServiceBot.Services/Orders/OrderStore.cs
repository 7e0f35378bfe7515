using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Orders;

/// <summary>One entry of a customer's order index: enough to list recent orders without reading them all.</summary>
internal sealed record CustomerOrderEntry(string OrderId, DateTimeOffset PlacedAt);

/// <summary>
/// Orders (<c>orders/{id}</c>) and, per customer, an index of their order ids
/// (<c>customers/{openId}/orders/{id}</c>). The index is written before the order, so a crash
/// between the two leaves an index entry that reading filters out, never an unlisted order. The
/// same holds for the index of customers by SKU that campaigns find their audience in.
/// </summary>
internal sealed class OrderStore(IDocumentStore store)
{
    private readonly OrderSkuIndex _skus = new(store);

    public async Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var document = await store.ReadAsync(OrderKey(orderId), cancellationToken);
        return document is null
            ? null
            : JsonSerializer.Deserialize(document.Content.Span, OrderJsonContext.Default.Order);
    }

    /// <summary>
    /// The order, only when it belongs to <paramref name="openId"/>: anyone else's order is as if absent.
    /// </summary>
    public async Task<Order?> GetForCustomerAsync(string orderId, string openId, CancellationToken cancellationToken) =>
        OrderIds.IsValid(orderId) && await GetAsync(orderId, cancellationToken) is { } order && order.OpenId == openId
            ? order
            : null;

    /// <summary>
    /// Creates or replaces an order; keeps the courier's latest scan when the parcel is the same. True when created.
    /// </summary>
    public async Task<bool> PutAsync(Order order, CancellationToken cancellationToken) =>
        (await ReplaceAsync(order, cancellationToken)).Before is null;

    /// <summary>As <see cref="PutAsync"/>: the order before (null when new) and as stored now.</summary>
    public async Task<(Order? Before, Order After)> ReplaceAsync(Order order, CancellationToken cancellationToken)
    {
        // The shop may not know the customer's OpenID: a binding the customer made stays.
        if (order.OpenId is null && await GetAsync(order.OrderId, cancellationToken) is { OpenId: { } bound })
        {
            order = order with { OpenId = bound };
        }

        if (order.Shipment is { } shipment)
        {
            await store.TryWriteAsync(
                TrackingKey(shipment.TrackingNumber),
                System.Text.Encoding.UTF8.GetBytes(order.OrderId),
                WriteCondition.None,
                cancellationToken
            );
        }

        await IndexForCustomerAsync(order, cancellationToken);
        var (previous, stored) = await store.UpdateAsync(
            OrderKey(order.OrderId),
            OrderJsonContext.Default.Order,
            previous => KeepCourierScan(order with { OpenId = order.OpenId ?? previous?.OpenId }, previous),
            cancellationToken
        );
        if (previous?.OpenId is { } before && order.OpenId is { } now && before != now)
        {
            await store.DeleteAsync(IndexKey(before, order.OrderId), cancellationToken);
        }

        await _skus.RemoveStaleAsync(previous, order, cancellationToken);
        return (previous, stored!);
    }

    /// <summary>The customer's orders, most recent first.</summary>
    public async Task<IReadOnlyList<Order>> ListForCustomerAsync(
        string openId,
        int max,
        CancellationToken cancellationToken
    )
    {
        var entries = new List<CustomerOrderEntry>();
        var prefix = StorageKey.Join("customers", openId, "orders") + "/";
        await foreach (
            var (_, entry) in store.ReadAllAsync(prefix, OrderJsonContext.Default.CustomerOrderEntry, cancellationToken)
        )
        {
            entries.Add(entry);
        }

        var orders = new List<Order>();
        foreach (var entry in entries.OrderByDescending(e => e.PlacedAt))
        {
            if (orders.Count == max)
            {
                break;
            }

            if (await GetForCustomerAsync(entry.OrderId, openId, cancellationToken) is { } order)
            {
                orders.Add(order);
            }
        }

        return orders;
    }

    /// <summary>
    /// Binds an unbound order to the customer who proved it theirs (its QR code, or the phone's last digits).
    /// </summary>
    public async Task<(BindOutcome Outcome, Order? Order)> BindToCustomerAsync(
        string orderId,
        string openId,
        CancellationToken cancellationToken
    )
    {
        var outcome = BindOutcome.NotFound;
        var changed = await UpdateAsync(
            orderId,
            order =>
            {
                outcome = order.OpenId switch
                {
                    null => BindOutcome.Bound,
                    var owner when owner == openId => BindOutcome.AlreadyYours,
                    _ => BindOutcome.SomeoneElses,
                };
                return outcome == BindOutcome.Bound ? order with { OpenId = openId } : null;
            },
            cancellationToken
        );
        var order = changed?.After ?? await GetAsync(orderId, cancellationToken);
        if (outcome is BindOutcome.Bound or BindOutcome.AlreadyYours && order is not null)
        {
            await IndexForCustomerAsync(order, cancellationToken); // again for a retry after a crash mid-way
        }

        return (outcome, outcome == BindOutcome.SomeoneElses ? null : order);
    }

    // The customer's index and the SKU index, for a bound order (before the order itself: see above).
    private async Task IndexForCustomerAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.OpenId is not { } openId)
        {
            return;
        }

        await store.TryWriteAsync(
            IndexKey(openId, order.OrderId),
            JsonSerializer.SerializeToUtf8Bytes(
                new CustomerOrderEntry(order.OrderId, order.PlacedAt),
                OrderJsonContext.Default.CustomerOrderEntry
            ),
            WriteCondition.None,
            cancellationToken
        );
        await _skus.AddAsync(order, cancellationToken);
    }

    private static Order KeepCourierScan(Order order, Order? previous) =>
        order.Shipment is { LatestScan: null } shipment
        && previous?.Shipment is { LatestScan: { } scan } old
        && old.Carrier == shipment.Carrier
        && old.TrackingNumber == shipment.TrackingNumber
            ? order with
            {
                Shipment = shipment with { LatestScan = scan, RecentEventIds = old.RecentEventIds },
            }
            : order;

    /// <summary>The order shipped under <paramref name="trackingNumber"/>, if any.</summary>
    public async Task<Order?> FindByTrackingAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        if (
            !IsTrackingNumber(trackingNumber)
            || await store.ReadAsync(TrackingKey(trackingNumber), cancellationToken) is not { } index
        )
        {
            return null;
        }

        var order = await GetAsync(System.Text.Encoding.UTF8.GetString(index.Content.Span), cancellationToken);
        return order?.Shipment?.TrackingNumber == trackingNumber ? order : null;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored order with optimistic concurrency, retrying
    /// on a concurrent write. A change that returns null leaves the order as it is.
    /// </summary>
    public async Task<(Order Before, Order After)?> UpdateAsync(
        string orderId,
        Func<Order, Order?> change,
        CancellationToken cancellationToken
    )
    {
        var (before, after) = await store.UpdateAsync(
            OrderKey(orderId),
            OrderJsonContext.Default.Order,
            current => current is null ? null : change(current),
            cancellationToken
        );
        if (before is null)
        {
            return null;
        }

        await _skus.RemoveStaleAsync(before, after!, cancellationToken);
        return (before, after!);
    }

    /// <summary>
    /// Customers with a non-cancelled order of one of <paramref name="skus"/> (any order, when none) placed in [from,
    /// to].
    /// </summary>
    public Task<HashSet<string>> CustomersWhoOrderedAsync(
        IReadOnlyCollection<string> skus,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    ) => _skus.CustomersAsync(skus, from, to, cancellationToken);

    /// <summary>
    /// Adds an order that is already stored to the index by SKU (building the index for older orders).
    /// </summary>
    internal Task IndexAsync(Order order, CancellationToken cancellationToken) =>
        _skus.AddAsync(order, cancellationToken);

    /// <summary>Every order, in id order.</summary>
    public async IAsyncEnumerable<Order> AllAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await foreach (
            var (_, order) in store.ReadAllAsync("orders/", OrderJsonContext.Default.Order, cancellationToken)
        )
        {
            yield return order;
        }
    }

    private static bool IsTrackingNumber(string value) => OrderIds.IsValid(value);

    private static string TrackingKey(string trackingNumber) => StorageKey.Join("tracking", trackingNumber);

    private static string OrderKey(string orderId) => StorageKey.Join("orders", orderId);

    private static string IndexKey(string openId, string orderId) =>
        StorageKey.Join("customers", openId, "orders", orderId);
}

internal enum BindOutcome
{
    Bound,
    AlreadyYours,
    SomeoneElses,
    NotFound,
}
