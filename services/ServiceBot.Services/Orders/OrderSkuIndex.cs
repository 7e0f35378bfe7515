using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Orders;

/// <summary>
/// Who ordered what, for campaign audiences: a key per SKU, customer and order
/// (<c>audience/sku/{sku}/{openId}/{orderId}@{placed}</c>), so an audience is a key listing instead
/// of a read of every order. Keys are added before the order is written and removed after it
/// (cancelled, changed SKUs or time), so a crash leaves an extra entry, never a missing one; the
/// merchant's retry of the same order puts it right.
/// </summary>
internal sealed class OrderSkuIndex(IDocumentStore store)
{
    private const string Root = "audience";

    private const string BySku = "sku";

    private static readonly byte[] Marker = "1"u8.ToArray();

    public async Task AddAsync(Order order, CancellationToken cancellationToken)
    {
        foreach (var key in KeysOf(order))
        {
            await store.TryWriteAsync(key, Marker, WriteCondition.None, cancellationToken);
        }
    }

    /// <summary>
    /// Removes the entries <paramref name="previous"/> had that <paramref name="current"/> no longer has.
    /// </summary>
    public async Task RemoveStaleAsync(Order? previous, Order current, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            return;
        }

        var kept = KeysOf(current).ToHashSet(StringComparer.Ordinal);
        foreach (var key in KeysOf(previous).Where(k => !kept.Contains(k)))
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }

    /// <summary>
    /// Customers with a (non-cancelled) order of one of <paramref name="skus"/> (any, when empty) placed in [from, to].
    /// </summary>
    public async Task<HashSet<string>> CustomersAsync(
        IReadOnlyCollection<string> skus,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    )
    {
        var customers = new HashSet<string>(StringComparer.Ordinal);
        var prefixes =
            skus.Count == 0
                ? [StorageKey.Join(Root, BySku) + "/"]
                : skus.Select(sku => StorageKey.Join(Root, BySku, Segment(sku)) + "/");
        foreach (var prefix in prefixes)
        {
            await foreach (var key in store.ListKeysAsync(prefix, cancellationToken))
            {
                // .../{openId}/{orderId}@{placed}
                var entry = key.AsSpan(key.LastIndexOf('/') + 1);
                var customer = key.AsSpan(0, key.LastIndexOf('/'));
                customer = customer[(customer.LastIndexOf('/') + 1)..];
                var placed = DateTimeOffset.FromUnixTimeSeconds(
                    long.Parse(entry[(entry.LastIndexOf('@') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture)
                );
                if (placed >= from && placed <= to)
                {
                    customers.Add(customer.ToString());
                }
            }
        }

        return customers;
    }

    private static IEnumerable<string> KeysOf(Order order) =>
        order.Status == OrderStatus.Cancelled || order.OpenId is null
            ? []
            : order
                .Items.Select(item => item.Sku)
                .Distinct(StringComparer.Ordinal)
                .Select(sku =>
                    StorageKey.Join(
                        Root,
                        BySku,
                        Segment(sku),
                        order.OpenId,
                        $"{order.OrderId}@{order.PlacedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}"
                    )
                );

    // A SKU is the merchant's text: Base64url of its UTF-8 keeps any character out of the key's syntax.
    private static string Segment(string sku) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sku));
}
