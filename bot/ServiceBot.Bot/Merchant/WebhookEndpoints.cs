using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>GET /api/webhooks</c>: each configured endpoint (its URL, never its secret) with its last
/// attempts, newest first: what was sent, what the receiver answered, and what follows.
/// </summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder merchant)
    {
        merchant.MapGet(
            "/webhooks",
            async (IOptions<WebhookOptions> options, WebhookAttempts attempts, CancellationToken ct) =>
            {
                var endpoints = new List<WebhookStatus>();
                foreach (var (name, endpoint) in options.Value.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    endpoints.Add(new WebhookStatus(name, endpoint.Url!, await attempts.LastAsync(name, ct)));
                }

                return Results.Json(endpoints, WebhookEndpointsJsonContext.Default.ListWebhookStatus);
            }
        );
        return merchant;
    }
}

internal sealed record WebhookStatus(string Name, string Url, IReadOnlyList<WebhookAttempt> Attempts);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(List<WebhookStatus>))]
internal sealed partial class WebhookEndpointsJsonContext : JsonSerializerContext;
