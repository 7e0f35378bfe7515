using System.Text.Json.Serialization;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Webhooks;

/// <summary>One try to deliver an event: when, which try, what the receiver answered, and what follows.</summary>
internal sealed record WebhookAttempt(
    string EventId,
    string Type,
    DateTimeOffset At,
    int Attempt,
    int? Status,
    string? Error,
    string Outcome
);

/// <summary>Each endpoint's last attempts, newest first, for the back office (<c>webhooks/{endpoint}</c>).</summary>
internal sealed class WebhookAttempts(IDocumentStore store)
{
    public const int Kept = 50;

    public Task RecordAsync(string endpoint, WebhookAttempt attempt, CancellationToken cancellationToken) =>
        store.UpdateAsync(
            Key(endpoint),
            WebhooksJsonContext.Default.ListWebhookAttempt,
            before => [attempt, .. (before ?? []).Take(Kept - 1)],
            cancellationToken
        );

    public async Task<IReadOnlyList<WebhookAttempt>> LastAsync(string endpoint, CancellationToken cancellationToken) =>
        (await store.ReadJsonAsync(Key(endpoint), WebhooksJsonContext.Default.ListWebhookAttempt, cancellationToken))
        ?? [];

    private static string Key(string endpoint) => $"webhooks/{endpoint}";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<WebhookAttempt>))]
internal sealed partial class WebhooksJsonContext : JsonSerializerContext;
