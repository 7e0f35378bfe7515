using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ServiceBot.Bot.Operations;

internal static class OperationsRegistration
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process answers. Readiness: every check tagged "ready" (storage, scheduler).
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(
            "/readyz",
            new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }
        );
        return endpoints;
    }
}
