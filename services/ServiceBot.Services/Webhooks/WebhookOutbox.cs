using Microsoft.Extensions.Options;
using Quartz;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// Hands an event to every configured endpoint: one persistent job an endpoint and event (the
/// scheduler's store is the outbox), so a restart or another instance delivers it, and the same
/// event raised twice while its job waits is one job.
/// </summary>
internal sealed class WebhookOutbox(IOptions<WebhookOptions> options, ISchedulerFactory schedulers, TimeProvider time)
{
    public async Task PublishAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (options.Value.Endpoints.Count == 0)
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var body = webhookEvent.ToJson();
        foreach (var endpoint in options.Value.Endpoints.Keys)
        {
            await scheduler.ScheduleOnceAsync(
                WebhookDeliveryJob.For(endpoint, webhookEvent, body),
                time.GetUtcNow(),
                cancellationToken
            );
        }
    }
}
