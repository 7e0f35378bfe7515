using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Orders;

/// <summary>What a packing-slip QR code stands for: an order, until a time.</summary>
internal sealed record OrderScene(string OrderId, DateTimeOffset ExpiresAt);

/// <summary>Wrong last-four guesses a customer made on one day (shop time).</summary>
internal sealed record BindingTries(DateOnly Day, int Wrong);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrderScene))]
[JsonSerializable(typeof(BindingTries))]
internal sealed partial class OrderBindingJsonContext : JsonSerializerContext;

/// <summary>
/// The scenes of packing-slip QR codes (<c>order-scenes/{token}</c>): an unguessable token for an
/// order, never the order id, so a code cannot be made for someone else's order. WeChat's temporary
/// codes last 30 days at most; so does the scene.
/// </summary>
internal sealed class OrderScenes(IDocumentStore store, TimeProvider time)
{
    public const string Prefix = "order:";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>A new scene for the order: the text a QR code carries, and when it stops working.</summary>
    public async Task<(string Scene, DateTimeOffset ExpiresAt)> IssueAsync(string orderId, CancellationToken ct)
    {
        var token = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var expiresAt = time.GetUtcNow() + Lifetime;
        var scene = new OrderScene(orderId, expiresAt);
        await store.TryWriteAsync(
            Key(token),
            JsonSerializer.SerializeToUtf8Bytes(scene, OrderBindingJsonContext.Default.OrderScene),
            WriteCondition.IfAbsent,
            ct
        );
        return (Prefix + token, expiresAt);
    }

    /// <summary>The order a scanned scene stands for, or null when it is not ours or has expired.</summary>
    public async Task<OrderScene?> FindAsync(string scene, CancellationToken ct)
    {
        if (
            !scene.StartsWith(Prefix, StringComparison.Ordinal)
            || scene[Prefix.Length..] is not { Length: 32 } token
            || !token.All(char.IsAsciiHexDigitLower)
            || await store.ReadAsync(Key(token), ct) is not { } document
        )
        {
            return null;
        }

        var found = JsonSerializer.Deserialize(document.Content.Span, OrderBindingJsonContext.Default.OrderScene);
        return found is not null && found.ExpiresAt > time.GetUtcNow() ? found : null;
    }

    /// <summary>Deletes the scenes whose codes no longer work; answers how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        var expired = new List<string>();
        await foreach (
            var (key, scene) in store.ReadAllAsync("order-scenes/", OrderBindingJsonContext.Default.OrderScene, ct)
        )
        {
            if (scene.ExpiresAt <= time.GetUtcNow())
            {
                expired.Add(key);
            }
        }

        foreach (var key in expired)
        {
            await store.DeleteAsync(key, ct);
        }

        return expired.Count;
    }

    private static string Key(string token) => StorageKey.Join("order-scenes", token);
}

/// <summary>Packing-slip codes stop working after 30 days; their scenes go then too.</summary>
internal sealed class OrderSceneRetention(
    OrderScenes scenes,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<OrderSceneRetention> logger
) : Scheduling.PeriodicSweep(time, logger)
{
    public override Task<int> SweepAsync(CancellationToken cancellationToken) =>
        scenes.DeleteExpiredAsync(cancellationToken);
}

/// <summary>
/// A scan of a packing-slip QR code (<c>subscribe</c> with <c>qrscene_order:…</c>, or <c>SCAN</c>):
/// the follower is bound to the order and, in the same reply, offered its delivery notices. An order
/// bound to someone else is refused and they are told so.
/// </summary>
internal sealed class OrderScanCommand(
    OrderScenes scenes,
    OrderStore orders,
    IEnumerable<INoticeOffers> offers,
    Microsoft.Extensions.Options.IOptions<ShopOptions> shop
) : IGlobalCommand
{
    private readonly INoticeOffers[] _offers = [.. offers];

    public async Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        var followed = activity.IsEvent("subscribe");
        var scene =
            followed && activity.EventKey is { } key && key.StartsWith("qrscene_", StringComparison.Ordinal)
                ? key["qrscene_".Length..]
            : activity.IsEvent("SCAN") ? activity.EventKey
            : null;
        if (scene is null || !scene.StartsWith(OrderScenes.Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var welcome = followed ? OrderText.WelcomeByScan(turn.IsEnglish) : "";
        if (await scenes.FindAsync(scene, cancellationToken) is not { } found)
        {
            turn.SendText(welcome + OrderText.ScanExpired(turn.IsEnglish));
            return true;
        }

        var (outcome, order) = await orders.BindToCustomerAsync(
            found.OrderId,
            turn.Conversation.UserId,
            cancellationToken
        );
        if (order is null)
        {
            turn.SendText(
                welcome
                    + (
                        outcome == BindOutcome.SomeoneElses
                            ? OrderText.BoundToSomeoneElse(found.OrderId, turn.IsEnglish)
                            : OrderText.ScanExpired(turn.IsEnglish)
                    )
            );
            return true;
        }

        var offer = _offers.Select(o => o.AfterOrderShown(turn)).FirstOrDefault(o => o is not null);
        var detail = OrderText.Detail(order, turn.IsEnglish, shop.Value.Zone);
        turn.SendText(
            welcome
                + OrderText.Bound(order.OrderId, turn.IsEnglish)
                + "\n"
                + detail
                + (offer is null ? "" : $"\n\n{offer}")
        );
        return true;
    }
}

/// <summary>
/// The chat's check that an unbound order is the customer's: the last four digits of the phone on
/// it, at most five wrong tries a day per customer, compared in constant time.
/// </summary>
internal static class PhoneTails
{
    public const int MaxWrongPerDay = 5;

    public static StateProperty<BindingTries> Tries { get; } =
        new("orders.bindingTries", OrderBindingJsonContext.Default.BindingTries);

    /// <summary>The last four digits of a phone number as the merchant sent it, or null when it has fewer.</summary>
    public static string? TailOf(string? phone)
    {
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 7 ? digits[^4..] : null;
    }

    /// <summary>Four digits standing alone in the text ("1234", "A1001 1234"), or null.</summary>
    public static string? FindIn(string? text, string? except = null) =>
        (text ?? "")
            .Split([' ', '，', ',', '、', '\n', '：', ':'], StringSplitOptions.RemoveEmptyEntries)
            .LastOrDefault(t => t.Length == 4 && t.All(char.IsAsciiDigit) && t != except);

    public static bool Matches(string tail, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(tail), Encoding.ASCII.GetBytes(given));
}
