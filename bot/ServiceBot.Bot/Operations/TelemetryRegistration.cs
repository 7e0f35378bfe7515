using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServiceBot.Bot.Operations;

/// <summary>
/// OpenTelemetry metrics, scraped in Prometheus text format at <c>GET /metrics</c>: ServiceBot's
/// own meters (turns, replies, storage requests, notice decisions, handoff queue wait, WeChat API errors) and ASP.NET
/// Core's request duration.
/// </summary>
internal static class TelemetryRegistration
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SampledWarnings>();
        services
            .AddOptions<OperationsOptions>()
            .BindConfiguration(OperationsOptions.SectionName)
            .Validate(
                options => PortsOf(options.ManagementUrls) is not null,
                "Operations:ManagementUrls must be absolute http URLs separated by ';' (e.g. http://127.0.0.1:9090)."
            )
            .ValidateOnStart();
        services
            .AddOpenTelemetry()
            .WithMetrics(metrics =>
                metrics
                    // Every feature's meter is named ServiceBot.<feature>.
                    .AddMeter("ServiceBot.*", "Microsoft.AspNetCore.Hosting", "System.Runtime")
                    // No cached scrape: Prometheus asks every 15 s or so, and a cached answer hid the last turns.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0)
            );
        AddTracing(services, configuration);
        return services;
    }

    // Spans only when asked for (an OTLP endpoint, or Operations:Tracing): with no listener, no span is
    // made, so a turn pays nothing for them. A request, its turn, the turn's storage calls and WeChat calls
    // (query strings redacted by the instrumentations) nest as parent and children.
    private static void AddTracing(IServiceCollection services, IConfiguration configuration)
    {
        var otlp = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrEmpty(otlp) && !configuration.GetValue<bool>("Operations:Tracing"))
        {
            return;
        }

        // The Azure SDK's own spans for Blob calls.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        services
            .AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("servicebot"))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource("ServiceBot.*", "Azure.*")
                    .AddAspNetCoreInstrumentation(aspnet =>
                        aspnet.Filter = http => !http.Request.Path.StartsWithSegments("/metrics")
                    )
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrEmpty(otlp))
                {
                    tracing.AddOtlpExporter();
                }
            });
    }

    /// <summary>
    /// Kestrel also listens on <c>Operations:ManagementUrls</c> (beside <c>--urls</c>), the only place
    /// <c>/metrics</c> is served: the scrape says how the shop is doing, which is nobody else's business.
    /// </summary>
    public static WebApplicationBuilder AddManagementUrls(this WebApplicationBuilder builder)
    {
        var management = builder
            .Configuration["Operations:ManagementUrls"]
            ?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (management.Length == 0)
        {
            return builder;
        }

        // ASP.NET Core's own defaults when no address is set: ASPNETCORE_HTTP_PORTS, then port 5000.
        var configured = builder.Configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries)
            ?? builder.Configuration["http_ports"]?.Split(';').Select(port => $"http://*:{port}").ToArray()
            ?? ["http://localhost:5000"];
        builder.WebHost.UseUrls([.. configured, .. management]);
        return builder;
    }

    /// <summary>Serves <c>/metrics</c> on the management ports only; with none configured, nowhere.</summary>
    public static IApplicationBuilder UseTelemetry(this IApplicationBuilder app, IConfiguration configuration)
    {
        var ports = PortsOf(configuration["Operations:ManagementUrls"]) ?? [];
        return ports.Count == 0
            ? app
            : app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Request.Path == "/metrics" && ports.Contains(context.Connection.LocalPort)
            );
    }

    // The ports of "http://host:port;..." (a wildcard host as Kestrel takes it); null when one is malformed.
    private static HashSet<int>? PortsOf(string? urls)
    {
        var ports = new HashSet<int>();
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var host = url.Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(host, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return null;
            }

            ports.Add(uri.Port);
        }

        return ports;
    }
}

/// <summary><c>Operations:</c> where the bot answers its operators.</summary>
internal sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>Addresses (as <c>--urls</c> takes them) where <c>/metrics</c> is served; none: not served.</summary>
    public string? ManagementUrls { get; set; }
}
