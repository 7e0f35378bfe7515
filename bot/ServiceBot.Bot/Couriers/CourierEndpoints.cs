using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Shipments;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.Bot.Couriers;

internal sealed record CourierEventBody(
    string? EventId,
    string? Carrier,
    string? TrackingNumber,
    ShipmentStatus? Status,
    DateTimeOffset? OccurredAt,
    string? Location
);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CourierEventBody))]
internal sealed partial class CourierJsonContext : JsonSerializerContext;

/// <summary>
/// <c>POST /api/courier/events</c>: a courier reports a scan. Unknown courier, bad signature or a
/// timestamp over 300 s off: 401 before anything is read into the domain; unknown tracking: 404.
/// </summary>
internal static partial class CourierEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IServiceCollection AddCourierWebhook(this IServiceCollection services)
    {
        services
            .AddOptions<CourierOptions>()
            .Configure<IConfiguration>(
                (options, configuration) =>
                {
                    foreach (var courier in configuration.GetSection(CourierOptions.SectionName).GetChildren())
                    {
                        options.Couriers[courier.Key] = new CourierSettings
                        {
                            Secret = courier["Secret"],
                            Carriers = CourierSettings.ParseCarriers(courier["Carriers"]),
                        };
                    }
                }
            );
        return services;
    }

    public static IEndpointRouteBuilder MapCourierWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/courier/events", ReceiveAsync).RequireRateLimiting(Operations.RateLimiting.Courier);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        IOptions<CourierOptions> options,
        ShipmentTracker tracker,
        TimeProvider time,
        ILogger<CourierOptions> logger,
        SampledWarnings warnings,
        CancellationToken ct
    )
    {
        var courierId = request.Headers["X-Courier-Id"].ToString();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (
            !options.Value.Couriers.TryGetValue(courierId, out var courier)
            || string.IsNullOrEmpty(courier.Secret)
            || !WebhookSignature.Fresh(timestamp, time.GetUtcNow())
            || !WebhookSignature.Matches(request.Headers["X-Signature"], courier.Secret, timestamp, body)
        )
        {
            if (warnings.ShouldWrite("courier signature", out var skipped))
            {
                Rejected(logger, courierId.Length > 32 ? courierId[..32] : courierId, skipped);
            }

            return Results.Unauthorized();
        }

        if (Parse(body, courierId, out var problem) is not { } courierEvent)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
        }

        if (!courier.Carriers.Contains(courierEvent.Carrier))
        {
            NotItsCarrier(logger, courierId);
            return Results.Problem(
                $"carrier: not one this courier reports for (Couriers:{courierId}:Carriers).",
                statusCode: StatusCodes.Status403Forbidden
            );
        }

        // A parcel of another carrier answers as an unknown one, and no answer names the order.
        var (outcome, order) = await tracker.ApplyAsync(courierEvent, ct, courier.Carriers);
        Applied(logger, courierId, courierEvent.EventId, outcome);
        return outcome == CourierEventOutcome.UnknownTrackingNumber
            ? Results.NotFound()
            : Results.Ok(new { outcome = outcome.ToString().ToLowerInvariant(), status = order!.Shipment!.Status });
    }

    private static CourierEvent? Parse(byte[] body, string courierId, out (string Field, string Message) problem)
    {
        CourierEventBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, CourierJsonContext.Default.CourierEventBody);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            problem = (field, $"{field} is not valid.");
            return null;
        }

        problem = parsed switch
        {
            null => ("body", "a JSON object is required."),
            { EventId: null or "" } or { EventId.Length: > 128 } => (
                "eventId",
                "eventId is required (at most 128 characters)."
            ),
            { EventId: var id } when !id.All(c => c is >= '!' and <= '~') => (
                "eventId",
                "eventId: printable ASCII characters, no spaces."
            ),
            { TrackingNumber: null } => ("trackingNumber", "trackingNumber is required."),
            { TrackingNumber: var t } when !OrderIds.IsValid(t) => (
                "trackingNumber",
                "trackingNumber: letters, digits, '-' or '_'."
            ),
            { Status: null } => (
                "status",
                "status is one of picked_up, in_transit, out_for_delivery, arrived, delivered, exception."
            ),
            { OccurredAt: null } => ("occurredAt", "occurredAt is required (ISO 8601)."),
            { Carrier: null or "" } or { Carrier.Length: > 64 } => (
                "carrier",
                "carrier is required (at most 64 characters)."
            ),
            _ => ("", ""),
        };
        return problem.Field.Length > 0
            ? null
            : new CourierEvent(
                courierId,
                parsed!.EventId!,
                parsed.Carrier!,
                parsed.TrackingNumber!,
                parsed.Status!.Value,
                parsed.OccurredAt!.Value,
                parsed.Location
            );
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(
        3001,
        LogLevel.Warning,
        "Courier webhook rejected for courier '{CourierId}': unknown, stale timestamp or bad signature "
            + "({Skipped} more since the last line)"
    )]
    private static partial void Rejected(ILogger logger, string courierId, int skipped);

    [LoggerMessage(3003, LogLevel.Warning, "Courier {CourierId} reported for a carrier it is not configured for")]
    private static partial void NotItsCarrier(ILogger logger, string courierId);

    [LoggerMessage(3002, LogLevel.Information, "Courier {CourierId} event {EventId}: {Outcome}")]
    private static partial void Applied(ILogger logger, string courierId, string eventId, CourierEventOutcome outcome);
}
