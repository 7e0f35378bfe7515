using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Webhooks;

internal static class WebhooksRegistration
{
    /// <summary>Outbound webhooks (<c>Webhooks:&lt;name&gt;:Url</c>, <c>:Secret</c>); none set, none sent.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services
            .AddOptions<WebhookOptions>()
            .Configure<IConfiguration>(
                (options, configuration) => configuration.GetSection(WebhookOptions.SectionName).Bind(options.Endpoints)
            )
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>()
        );
        services.TryAddSingleton<WebhookOutbox>();
        services.TryAddSingleton<WebhookClient>();
        services.TryAddSingleton<WebhookAttempts>();
        return services;
    }
}
