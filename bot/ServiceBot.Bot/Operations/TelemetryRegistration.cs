using OpenTelemetry.Metrics;

namespace ServiceBot.Bot.Operations;

/// <summary>
/// OpenTelemetry metrics, scraped in Prometheus text format at <c>GET /metrics</c>: ServiceBot's
/// own meters (turns, replies, storage requests, notice decisions, handoff queue wait, WeChat API errors) and ASP.NET
/// Core's request duration.
/// </summary>
internal static class TelemetryRegistration
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services
            .AddOpenTelemetry()
            .WithMetrics(metrics =>
                metrics
                    // Every feature's meter is named ServiceBot.<feature>.
                    .AddMeter("ServiceBot.*", "Microsoft.AspNetCore.Hosting", "System.Runtime")
                    // No cached scrape: Prometheus asks every 15 s or so, and a cached answer hid the last turns.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0)
            );
        return services;
    }

    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
