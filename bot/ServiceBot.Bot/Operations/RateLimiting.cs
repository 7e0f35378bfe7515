using System.Globalization;
using System.Threading.RateLimiting;

namespace ServiceBot.Bot.Operations;

/// <summary>Requests a minute from one source (IP address) on the public endpoints that anyone can reach.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>The web chat: a person types far slower than this.</summary>
    public int WebChatPerMinute { get; set; } = 60;

    /// <summary>Courier events: a courier's system may send bursts of scans.</summary>
    public int CourierPerMinute { get; set; } = 1200;

    /// <summary>Agent sign-in attempts: enough for typos, too few to guess passwords.</summary>
    public int AgentSignInPerMinute { get; set; } = 10;
}

/// <summary>
/// ASP.NET Core's rate limiter, a fixed window a minute per source address, on the web chat, the
/// courier webhook and agent sign-in; over the limit is 429 with Retry-After, and nothing runs.
/// The WeChat webhook is not limited here: WeChat sends every customer's messages from a few of its
/// own addresses, and a forged request is refused at the signature, before any work. Behind a load
/// balancer, configure forwarded headers so the source is the client, not the balancer.
/// </summary>
internal static class RateLimiting
{
    public const string WebChat = "webchat";
    public const string Courier = "courier";
    public const string AgentSignIn = "agent-sign-in";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>()
            ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = (
                        (int)Math.Ceiling(retryAfter.TotalSeconds)
                    ).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(WebChat, http => PerSource(http, limits.WebChatPerMinute));
            limiter.AddPolicy(Courier, http => PerSource(http, limits.CourierPerMinute));
            limiter.AddPolicy(AgentSignIn, http => PerSource(http, limits.AgentSignInPerMinute));
        });
        return services;
    }

    private static RateLimitPartition<string> PerSource(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, perMinute),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }
        );
}
