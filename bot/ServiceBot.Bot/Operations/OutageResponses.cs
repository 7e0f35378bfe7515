using Quartz;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Operations;

/// <summary>
/// When the store or the scheduler's database cannot be reached, a request answers 503 with
/// Retry-After, not a bare 500: couriers and the merchant's systems retry a 503, and a courier's
/// retry of an event re-applies what did not finish (a duplicate event at the shipment's status
/// schedules its notice again). The WeChat webhook answers its own 503 the same way.
/// </summary>
internal static partial class OutageResponses
{
    private const string RetryAfterSeconds = "5";

    public static IApplicationBuilder UseOutageResponses(this IApplicationBuilder app) =>
        app.Use(
            async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (Exception e) when (Outage(e) is { } what && !context.Response.HasStarted)
                {
                    Refused(
                        context.RequestServices.GetRequiredService<ILogger<Program>>(),
                        context.Request.Path,
                        what,
                        e.GetType().Name
                    );
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = RetryAfterSeconds;
                    await Results
                        .Problem(
                            $"The {what} cannot be reached right now; nothing was changed that a retry "
                                + $"would not finish. Try again shortly.",
                            statusCode: StatusCodes.Status503ServiceUnavailable
                        )
                        .ExecuteAsync(context);
                }
            }
        );

    /// <summary>
    /// "store" or "scheduler" when the exception (or one inside it) says that one is unreachable; null otherwise.
    /// </summary>
    internal static string? Outage(Exception? e) =>
        e switch
        {
            null => null,
            StorageUnavailableException => "store",
            SchedulerException => "scheduler",
            AggregateException many => many.InnerExceptions.Select(Outage).FirstOrDefault(w => w is not null),
            _ => Outage(e.InnerException),
        };

    [LoggerMessage(1201, LogLevel.Warning, "{Path}: the {What} is unreachable ({Exception}); answered 503")]
    private static partial void Refused(ILogger logger, string path, string what, string exception);
}
