using Mediator;
using Quartz;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Returns;

internal enum DecisionOutcome
{
    Decided,
    NotFound,
    AlreadyDecided,
}

/// <summary>
/// The merchant approves or rejects a return. The decision is a conditional update from
/// "requested", so of two racing decisions one wins, and only the winner tells the customer, on the
/// road every notice takes (policy, channel, ledger): the customer's asking for the return is the
/// consent; quiet hours or a busy channel defer it to a job.
/// </summary>
internal sealed class ReturnDecisions(
    ReturnStore returns,
    ReturnOutcomeNotices notices,
    IPublisher publisher,
    TimeProvider time
)
{
    public async Task<(DecisionOutcome Outcome, ReturnRequest? Request, NoticeOutcome? Told)> DecideAsync(
        string rmaId,
        bool approve,
        string? note,
        CancellationToken cancellationToken,
        ReturnInstructions? instructions = null
    )
    {
        if (await returns.GetAsync(rmaId, cancellationToken) is not { } found)
        {
            return (DecisionOutcome.NotFound, null, null);
        }

        if (found.Request.Status != ReturnStatus.Requested)
        {
            return (DecisionOutcome.AlreadyDecided, found.Request, null);
        }

        var decided = found.Request with
        {
            Status = approve ? ReturnStatus.Approved : ReturnStatus.Rejected,
            DecidedAt = time.GetUtcNow(),
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            Instructions = approve ? instructions : null,
        };
        if (!await returns.TryUpdateAsync(decided, found.ETag, cancellationToken))
        {
            return (DecisionOutcome.AlreadyDecided, (await returns.GetAsync(rmaId, cancellationToken))?.Request, null);
        }

        await publisher.Publish(new ReturnDecided(decided), cancellationToken);
        return (DecisionOutcome.Decided, decided, await notices.TellAsync(decided, cancellationToken));
    }
}

/// <summary>A customer asked for a return, exchange or refund (domain event, once the request is kept).</summary>
internal sealed record ReturnRequested(ReturnRequest Request) : INotification;

/// <summary>The merchant approved or rejected a return (domain event, once the decision is kept).</summary>
internal sealed record ReturnDecided(ReturnRequest Request) : INotification;

/// <summary>"Your return was approved": the outcome of a return, as a notice the customer asked for.</summary>
internal sealed class ReturnOutcomeNotices(ReturnStore returns, NoticeSender sender, ISchedulerFactory schedulers)
{
    public static string KeyOf(string rmaId) => $"return:{rmaId}:decided";

    /// <summary>Tells the customer now, or schedules it when the policy defers; null without a customer.</summary>
    public async Task<NoticeOutcome?> TellAsync(ReturnRequest decided, CancellationToken cancellationToken)
    {
        if (await ProcessAsync(decided, attempt: 1, cancellationToken) is not { } outcome)
        {
            return null;
        }

        if (outcome is { Verdict: Verdict.Defer, RetryAt: { } at })
        {
            var job = ReturnOutcomeJob.For(decided.RmaId);
            await (await schedulers.GetScheduler(cancellationToken)).ScheduleOnceAsync(job, at, cancellationToken);
        }

        return outcome;
    }

    public async Task<NoticeOutcome?> ProcessAsync(string rmaId, int attempt, CancellationToken cancellationToken) =>
        await returns.GetAsync(rmaId, cancellationToken) is { Request: { Status: not ReturnStatus.Requested } request }
            ? await ProcessAsync(request, attempt, cancellationToken)
            : null;

    private async Task<NoticeOutcome?> ProcessAsync(
        ReturnRequest decided,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        if (decided.Conversation is not { } customer)
        {
            return null;
        }

        var notice = new OutgoingNotice(
            customer,
            new NoticeCandidate(NoticeTopic.Delivery, KeyOf(decided.RmaId))
            {
                Template = TemplateKind.ReturnOutcome,
                AskedAt = decided.CreatedAt,
            },
            [Reply.FromText(ReturnText.Decision(decided))],
            new Dictionary<string, string>
            {
                ["rmaId"] = decided.RmaId,
                ["orderId"] = decided.OrderId,
                ["outcome"] = decided.Status == ReturnStatus.Approved ? "已通过" : "未通过",
                ["note"] = decided.Note ?? "",
            }
        );
        return await sender.DecideAndSendAsync(notice, attempt, cancellationToken);
    }
}

/// <summary>Tells a return's outcome when the policy deferred it (quiet hours, a busy channel).</summary>
[DisallowConcurrentExecution]
internal sealed class ReturnOutcomeJob(ReturnOutcomeNotices notices) : IJob
{
    public const string Group = "return-outcomes";

    public static IJobDetail For(string rmaId) =>
        OneShotJobs.Job<ReturnOutcomeJob>(new JobKey(ReturnOutcomeNotices.KeyOf(rmaId), Group), "rmaId", rmaId);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var attempt = OneShotJobs.AttemptOf(context);
        var outcome = await notices.ProcessAsync(
            context.MergedJobDataMap.GetString("rmaId")!,
            attempt,
            cancellationToken
        );
        if (outcome is not null)
        {
            await outcome.RunAgainIfDeferredAsync(context, attempt, cancellationToken);
        }
    }
}
