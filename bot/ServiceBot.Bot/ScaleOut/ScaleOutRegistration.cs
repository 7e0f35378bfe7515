using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Storage;
using StackExchange.Redis;

namespace ServiceBot.Bot.ScaleOut;

/// <summary>
/// What lets several instances behind a load balancer act as one: a shared data-protection key ring
/// (in the store); when <c>ScaleOut:Redis</c> is set, a Redis backplane for the agent console's
/// SignalR hub; when <c>ScaleOut:TrustedProxies</c> is set, the client address the balancer forwards. Storage (Azure
/// Blob) and the scheduler (PostgreSQL, clustered) are shared by their own settings.
/// </summary>
internal static class ScaleOutRegistration
{
    public static IServiceCollection AddScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("ServiceBot");
        var keyRingKey = KeyRingEncryptor.KeyFrom(configuration[KeyRingEncryptor.Setting]);
        services
            .AddOptions<KeyManagementOptions>()
            .Configure<IDocumentStore>(
                (options, store) =>
                {
                    options.XmlRepository = new StoredKeyRing(store);
                    options.XmlEncryptor = keyRingKey is null ? null : new KeyRingEncryptor(keyRingKey);
                }
            );
        services.AddOptions<ScaleOutOptions>().BindConfiguration(ScaleOutOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ScaleOutOptions>, ScaleOutOptionsValidator>()
        );

        // Read while services are registered: the backplane is wired into SignalR here or not at all.
        if (configuration["ScaleOut:Redis"] is { Length: > 0 } redis)
        {
            services
                .AddSignalR()
                .AddStackExchangeRedis(redis, options =>
                    options.Configuration.ChannelPrefix = RedisChannel.Literal("servicebot")
                );
        }

        // Behind a load balancer every request comes from the balancer: trust X-Forwarded-For (and
        // -Proto) from the listed proxies only, so per-source limits and logs see the real client.
        if (configuration["ScaleOut:TrustedProxies"] is { Length: > 0 } proxies)
        {
            services.Configure<ForwardedHeadersOptions>(options =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                options.KnownIPNetworks.Clear();
                options.KnownProxies.Clear();
                foreach (
                    var proxy in proxies.Split(
                        ',',
                        StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
                    )
                )
                {
                    options.KnownIPNetworks.Add(
                        System.Net.IPNetwork.Parse(
                            proxy.Contains('/', StringComparison.Ordinal)
                                ? proxy
                                : proxy + (proxy.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")
                        )
                    );
                }
            });
        }

        return services;
    }

    /// <summary>
    /// Reads forwarded client addresses when <c>ScaleOut:TrustedProxies</c> is set; first in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseScaleOut(this IApplicationBuilder app, IConfiguration configuration) =>
        configuration["ScaleOut:TrustedProxies"] is { Length: > 0 } ? app.UseForwardedHeaders() : app;
}

/// <summary><c>ScaleOut:</c> the settings read through options (the rest are read at registration).</summary>
internal sealed class ScaleOutOptions
{
    public const string SectionName = "ScaleOut";

    /// <summary>
    /// Base64 of 32 random bytes (<c>openssl rand -base64 32</c>): encrypts the key ring in the store.
    /// </summary>
    public string? KeyRingKey { get; set; }
}

internal sealed class ScaleOutOptionsValidator(IHostEnvironment environment) : IValidateOptions<ScaleOutOptions>
{
    public ValidateOptionsResult Validate(string? name, ScaleOutOptions options) =>
        options.KeyRingKey is { Length: > 0 } key && KeyRingEncryptor.KeyFrom(key) is null
            ? ValidateOptionsResult.Fail(
                $"{KeyRingEncryptor.Setting} must be Base64 of 32 bytes (openssl " + $"rand -base64 32)."
            )
        : options.KeyRingKey is not { Length: > 0 } && !environment.IsDevelopment()
            ? ValidateOptionsResult.Fail(
                $"{KeyRingEncryptor.Setting} is required outside Development: it encrypts the sign-in keys "
                    + $"kept in the store (openssl rand -base64 32)."
            )
        : ValidateOptionsResult.Success;
}
