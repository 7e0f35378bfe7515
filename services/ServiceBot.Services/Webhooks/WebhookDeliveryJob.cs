using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using ServiceBot.Services.Scheduling;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// POSTs one event to one endpoint; anything but a 2xx answer (or no answer) is tried again with
/// back-off, for about a day, then given up and recorded so. Every attempt is recorded for the back
/// office. At least once: an answer lost after the receiver took the event means it comes again,
/// with the same id.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class WebhookDeliveryJob(
    IOptions<WebhookOptions> options,
    WebhookClient client,
    WebhookAttempts attempts,
    TimeProvider time,
    ILogger<WebhookDeliveryJob> logger
) : IJob
{
    public const string Group = "webhooks";

    /// <summary>The wait before each next try: 10 tries over about 28 hours.</summary>
    internal static readonly TimeSpan[] Backoff =
    [
        TimeSpan.FromSeconds(10),
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(15),
        TimeSpan.FromHours(1),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(4),
        TimeSpan.FromHours(8),
        TimeSpan.FromHours(12),
    ];

    public static IJobDetail For(string endpoint, WebhookEvent webhookEvent, string body) =>
        JobBuilder
            .Create<WebhookDeliveryJob>()
            .WithIdentity(new JobKey($"{endpoint}:{webhookEvent.Id}", Group))
            .UsingJobData("endpoint", endpoint)
            .UsingJobData("eventId", webhookEvent.Id)
            .UsingJobData("type", webhookEvent.Type)
            .UsingJobData("body", body)
            .RequestRecovery()
            .Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var name = data.GetString("endpoint")!;
        if (!options.Value.Endpoints.TryGetValue(name, out var endpoint))
        {
            return; // no longer configured
        }

        var attempt = OneShotJobs.AttemptOf(context);
        var (status, error) = await client.PostAsync(endpoint, data.GetString("body")!, cancellationToken);
        var delivered = status is >= 200 and < 300;
        var now = time.GetUtcNow();
        string outcome;
        if (delivered)
        {
            outcome = "delivered";
        }
        else if (attempt <= Backoff.Length)
        {
            // Rescheduled before anything else can fail, so that the event is never dropped.
            var next = now + Backoff[attempt - 1];
            await OneShotJobs.RunAgainAsync(context, next, attempt + 1, cancellationToken);
            outcome = $"retry at {next.ToString("u", CultureInfo.InvariantCulture)}";
        }
        else
        {
            outcome = "gave up";
            LogGaveUp(logger, name, data.GetString("eventId")!, attempt);
        }

        try
        {
            await attempts.RecordAsync(
                name,
                new WebhookAttempt(
                    data.GetString("eventId")!,
                    data.GetString("type")!,
                    now,
                    attempt,
                    status,
                    error,
                    outcome
                ),
                cancellationToken
            );
        }
        catch (Exception e) when (e is StorageUnavailableException or StorageConflictException)
        {
            LogNotRecorded(logger, name, data.GetString("eventId")!, e);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Webhook {Endpoint}: gave up on {EventId} after {Attempts} tries"
    )]
    private static partial void LogGaveUp(ILogger logger, string endpoint, string eventId, int attempts);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Webhook {Endpoint}: the attempt for {EventId} was not recorded"
    )]
    private static partial void LogNotRecorded(ILogger logger, string endpoint, string eventId, Exception exception);
}
