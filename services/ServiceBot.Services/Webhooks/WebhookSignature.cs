using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// <c>X-Signature</c> = lowercase hex HMAC-SHA256(secret, "{X-Timestamp}.{raw body}"): how couriers
/// sign the events they send the bot, and how the bot signs the events it sends the merchant.
/// </summary>
internal static class WebhookSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    public static bool Matches(string? presented, string secret, string timestamp, ReadOnlySpan<byte> body) =>
        presented is { Length: 64 }
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, timestamp, body)),
            Encoding.ASCII.GetBytes(presented.ToLowerInvariant())
        );

    public static bool Fresh(string? timestamp, DateTimeOffset now) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= Window.TotalSeconds;
}
