using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// One event for the merchant's systems, as it goes on the wire: <c>{"id","type","occurredAt","data"}</c>.
/// The id is derived from what happened (its type and subject), so the same event raised again (a
/// retried turn, a second instance) has the same id and the receiver can drop the repeat.
/// </summary>
internal sealed record WebhookEvent(
    string Id,
    string Type,
    DateTimeOffset OccurredAt,
    IReadOnlyList<KeyValuePair<string, string?>> Data
)
{
    public static WebhookEvent Of(
        string type,
        string subject,
        DateTimeOffset occurredAt,
        params KeyValuePair<string, string?>[] data
    )
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{type}\n{subject}"));
        return new($"evt_{Convert.ToHexStringLower(hash.AsSpan(0, 12))}", type, occurredAt, data);
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", Id);
            json.WriteString("type", Type);
            json.WriteString("occurredAt", OccurredAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("data");
            foreach (var (key, value) in Data)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
