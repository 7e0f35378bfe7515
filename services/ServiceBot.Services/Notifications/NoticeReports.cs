using Mediator;
using Quartz;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// Delivery reports close the loop on template and subscribe messages. A report finds its notice by
/// the msgid recorded with the send, or, when the send's answer was lost, as the oldest unsettled
/// send of that kind to the customer; it marks the notice delivered or failed. A delivered notice is
/// never sent again, a user block is a failure with that reason, and a failure on WeChat's side
/// sends the notice once more (<see cref="NoticeResendJob"/>, at most once, under its own outbox key).
/// </summary>
internal sealed class NoticeReports(
    NoticeLedger ledger,
    ConversationStateStore conversations,
    SendOnceOutbox outbox,
    NoticeSender sender,
    ISchedulerFactory schedulers,
    IPublisher publisher,
    TimeProvider time
)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);

    public async Task SettleAsync(
        ConversationReference customer,
        IReadOnlyList<DeliveryReport> reports,
        CancellationToken cancellationToken
    )
    {
        var resend = new List<string>();
        var settledNow = new List<NoticeRecord>();
        await ledger.ChangeAsync(
            customer,
            records =>
            {
                resend.Clear();
                settledNow.Clear();
                var changed = false;
                foreach (var report in reports)
                {
                    if (Find(records, report) is not (>= 0 and var i))
                    {
                        continue;
                    }

                    var settled = Settle(records[i], report);
                    changed |= settled != records[i];
                    if (settled.ResendDue && !records[i].ResendDue)
                    {
                        resend.Add(settled.Key);
                    }

                    if (settled.Delivery != records[i].Delivery)
                    {
                        settledNow.Add(settled);
                    }

                    records[i] = settled;
                }

                return changed ? records : null;
            },
            cancellationToken
        );
        foreach (var record in settledNow)
        {
            await publisher.Publish(new NoticeSettled(customer, record), cancellationToken);
        }

        foreach (var key in resend)
        {
            var job = NoticeResendJob.For(customer, key);
            await (await schedulers.GetScheduler(cancellationToken)).ScheduleOnceAsync(
                job,
                time.GetUtcNow(),
                cancellationToken
            );
        }
    }

    /// <summary>The record a report is about: by msgid, else the oldest unsettled send of its kind with none.</summary>
    internal static int Find(List<NoticeRecord> records, DeliveryReport report)
    {
        var channel = report.Subscribe ? NoticeChannel.SubscribeMessage : NoticeChannel.TemplateMessage;
        bool Sent(NoticeRecord r) => r.Verdict == Verdict.Send && r.Channel == channel;
        var byId = report.MessageId is { Length: > 0 } id
            ? records.FindLastIndex(r => Sent(r) && r.MessageId == id)
            : -1;
        return byId >= 0
            ? byId
            : records.FindIndex(r =>
                Sent(r)
                && r is { MessageId: null, Delivery: NoticeDelivery.Unknown, ResendDue: false }
                && (!report.Subscribe || r.Payload?.TemplateId == report.TemplateId)
            );
    }

    /// <summary>What a report makes of a record; a record already delivered stays so.</summary>
    internal static NoticeRecord Settle(NoticeRecord record, DeliveryReport report)
    {
        if (record.Delivery == NoticeDelivery.Delivered || record.ResendDue)
        {
            return record;
        }

        var said = $"WeChat reported: {report.Status}";
        return report.Outcome switch
        {
            DeliveryReportOutcome.Delivered => record with
            {
                Delivery = NoticeDelivery.Delivered,
                Detail = Append(record.Detail, said),
            },
            DeliveryReportOutcome.SystemFailure when !record.Resent => record with
            {
                Delivery = NoticeDelivery.Failed,
                ResendDue = true,
                Detail = Append(record.Detail, $"{said}; sending it once more"),
            },
            _ when record.Delivery == NoticeDelivery.Failed => record,
            _ => record with
            {
                Delivery = NoticeDelivery.Failed,
                Detail = Append(record.Detail, record.Resent ? $"{said} (it was sent once more; not again)" : said),
            },
        };
    }

    /// <summary>
    /// Sends a notice WeChat reported lost once more, unless the customer withdrew since; a busy channel answers when
    /// to try again.
    /// </summary>
    public async Task<DateTimeOffset?> ResendAsync(
        ConversationReference customer,
        string key,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        var records = await ledger.ListAsync(customer, cancellationToken);
        if (records.LastOrDefault(r => r.Key == key && r.ResendDue) is not { Payload: { } payload } due)
        {
            return null;
        }

        var consents = Consents.Of((await conversations.LoadAsync(customer, cancellationToken)).Record);
        if (consents.History.Any(c => c.Topic == due.Topic && !c.OptedIn && c.At >= due.At))
        {
            await FinishAsync(
                customer,
                key,
                r => r with { Detail = Append(r.Detail, "not sent again: consent withdrawn") },
                cancellationToken
            );
            return null;
        }

        var again = key + "#again";
        var result = await outbox.SendOnceAsync(
            customer,
            again,
            (_, ct) => sender.SendTemplateAsync(customer, due.Channel!.Value, payload, again, ct),
            cancellationToken
        );
        if (
            result is { Verdict: OutboxVerdict.NotSent, Send: { IsTransient: true } }
            && attempt < NoticeSender.MaxAttempts
        )
        {
            return time.GetUtcNow() + FirstRetry * Math.Pow(2, attempt - 1);
        }

        await FinishAsync(
            customer,
            key,
            r =>
                result.Verdict switch
                {
                    OutboxVerdict.Sent or OutboxVerdict.AlreadySent => r with
                    {
                        MessageId = result.Send?.MessageId,
                        Delivery = NoticeDelivery.Unknown,
                        Detail = Append(r.Detail, "sent once more"),
                    },
                    OutboxVerdict.NotSent => r with
                    {
                        Detail = Append(r.Detail, $"sending once more failed: {result.Send?.Detail}"),
                    },
                    _ => r with
                    {
                        MessageId = null,
                        Delivery = NoticeDelivery.Unknown,
                        Detail = Append(r.Detail, "sent once more; WeChat did not answer"),
                    },
                },
            cancellationToken
        );
        return null;
    }

    private async Task FinishAsync(
        ConversationReference customer,
        string key,
        Func<NoticeRecord, NoticeRecord> change,
        CancellationToken cancellationToken
    ) =>
        await ledger.ChangeAsync(
            customer,
            records =>
            {
                var i = records.FindLastIndex(r => r.Key == key && r.ResendDue);
                if (i < 0)
                {
                    return null;
                }

                records[i] = change(records[i]) with { ResendDue = false, Resent = true };
                return records;
            },
            cancellationToken
        );

    private static string Append(string? detail, string more) => detail is { Length: > 0 } ? $"{detail}; {more}" : more;
}

/// <summary>Sends once more a notice WeChat reported lost to its own failure.</summary>
[DisallowConcurrentExecution]
internal sealed class NoticeResendJob(NoticeReports reports) : IJob
{
    public const string Group = "notice-resends";

    public static IJobDetail For(ConversationReference customer, string key) =>
        JobBuilder
            .Create<NoticeResendJob>()
            .WithIdentity($"{customer.Channel}:{customer.UserId}:{key}", Group)
            .UsingJobData("channel", customer.Channel)
            .UsingJobData("userId", customer.UserId)
            .UsingJobData("key", key)
            .RequestRecovery()
            .Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var customer = new ConversationReference(data.GetString("channel")!, data.GetString("userId")!);
        var attempt = OneShotJobs.AttemptOf(context);
        if (await reports.ResendAsync(customer, data.GetString("key")!, attempt, cancellationToken) is { } at)
        {
            await OneShotJobs.RunAgainAsync(context, at, attempt + 1, cancellationToken);
        }
    }
}

/// <summary>WeChat's delivery-report events: settled in the ledger, answered with nothing.</summary>
internal sealed class DeliveryReportCommand(NoticeReports reports) : IGlobalCommand
{
    public async Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Activity is not { Type: ActivityType.Event, DeliveryReports.Count: > 0 } activity)
        {
            return false;
        }

        await reports.SettleAsync(turn.Conversation, activity.DeliveryReports, cancellationToken);
        return true;
    }
}

/// <summary>WeChat reported a notice delivered or failed (domain event, once the ledger says so).</summary>
internal sealed record NoticeSettled(ConversationReference Customer, NoticeRecord Record) : INotification;
