using System.Globalization;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>Courier webhook requests as a courier signs them: HMAC-SHA256 over "{timestamp}.{body}".</summary>
internal static class CourierWire
{
    public static HttpRequestMessage Signed(byte[] body, string secret, DateTimeOffset at, string courierId = "sf")
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new HttpRequestMessage(HttpMethod.Post, "/api/courier/events")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
            Headers =
            {
                { "X-Courier-Id", courierId },
                { "X-Timestamp", timestamp },
                { "X-Signature", WebhookSignature.Compute(secret, timestamp, body) },
            },
        };
    }
}
