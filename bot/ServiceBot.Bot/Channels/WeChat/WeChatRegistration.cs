using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Bot.Channels.WeChat;

internal static class WeChatRegistration
{
    public static IServiceCollection AddWeChat(this IServiceCollection services)
    {
        services.AddOptions<WeChatOptions>().BindConfiguration(WeChatOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<WeChatOptions>, WeChatOptionsValidator>()
        );

        services
            .AddHttpClient(WeChatApiClient.HttpClientName, (provider, http) =>
            {
                var baseUrl = provider.GetRequiredService<IOptions<WeChatOptions>>().Value.ApiBaseUrl.AbsoluteUri;
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler owns timeouts
            })
            // The default HTTP logging writes request URLs, and WeChat puts the access token in the query.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler(resilience =>
            {
                // Only downloads and token requests (GET) are retried here. A send that WeChat did not
                // take is retried by the caller, which lets go of its outbox claim while it waits; a
                // send that timed out is never retried, since WeChat may have it.
                resilience.Retry.ShouldHandle = args =>
                    ValueTask.FromResult(
                        args.Context.GetRequestMessage()?.Method == HttpMethod.Get
                            && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    );
                resilience.Retry.MaxRetryAttempts = 3;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(500);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
            });

        services.TryAddSingleton<AccessTokenCache>();
        services.TryAddSingleton<WeChatApiClient>();
        services.TryAddSingleton<WeChatAccountApi>();
        services.TryAddSingleton<WeChatMediaApi>();
        services.TryAddSingleton<JsApiTicketCache>();
        services.TryAddSingleton<IConsentLinks, WeChatConsentLinks>();
        services.AddSingleton<IChannelSender, WeChatCustomerServiceSender>();
        services.TryAddSingleton<ISubscribeMessageSender, WeChatSubscribeMessageSender>();
        services.AddSingleton<ITemplateMessageSender, WeChatTemplateMessageSender>();
        services.TryAddSingleton<BackgroundTurns>();
        services.TryAddSingleton<DeferredReplies>();
        services.AddHostedService(provider => provider.GetRequiredService<BackgroundTurns>());
        services.TryAddSingleton<WeChatVerifier>();
        services.TryAddSingleton<WeChatWebhook>();
        return services;
    }

    /// <summary>
    /// The webhook runs straight after routing (short-circuit), past the middleware the rest of the
    /// host needs: WeChat proves itself by the signature, not a cookie or a form token; the webhook
    /// has no rate limit (WeChat's own retries must get through) and answers a store outage with its
    /// own 503.
    /// </summary>
    public static IEndpointRouteBuilder MapWeChat(this IEndpointRouteBuilder endpoints)
    {
        endpoints
            .MapGet("/api/wechat", (HttpRequest request, WeChatWebhook webhook) => webhook.Verify(request))
            .ShortCircuit();
        endpoints
            .MapPost("/api/wechat", (HttpRequest request, WeChatWebhook webhook, CancellationToken aborted) =>
                webhook.ReceiveAsync(request, aborted)
            )
            .ShortCircuit();
        endpoints.MapConsentPage();
        return endpoints;
    }
}
