using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// A notice ready to go: to whom, what (the policy's candidate), the message, and the values a subscribe template is
/// filled from.
/// </summary>
internal sealed record OutgoingNotice(
    ConversationReference Customer,
    NoticeCandidate Candidate,
    IReadOnlyList<Reply> Message,
    IReadOnlyDictionary<string, string> TemplateValues,
    Uri? Page = null
);

/// <summary>
/// The one road every notice takes, delivery or promotion: the customer's history is read, the
/// policy decides, a send goes through the outbox on the channel the policy chose (a subscribe
/// message spends a one-time consent, given back if the send fails), and the decision is recorded.
/// A busy or failing channel is tried again at once (the outbox's <see cref="SendRetry"/>), then later
/// with back-off; a refusal (43004, 45015) is a drop with the reason; a send WeChat never answered is
/// not repeated (it may have arrived) and is recorded as such: for template and subscribe messages
/// as sent, delivery unknown, for their delivery report to settle (<see cref="NoticeReports"/>).
/// </summary>
internal sealed class NoticeSender(
    ConversationStateStore conversations,
    NoticeLedger ledger,
    SendOnceOutbox outbox,
    NoticePolicy policy,
    ProactiveMessenger messenger,
    ISubscribeMessageSender subscribeMessages,
    IEnumerable<ITemplateMessageSender> templateSenders,
    IOptions<SubscribeTemplateOptions> templates,
    IOptions<TemplateMessageOptions> templateMessages,
    TimeProvider time
)
{
    private readonly ITemplateMessageSender[] _templateSenders = [.. templateSenders];

    /// <summary>
    /// Tries while the channel is busy or down: after 1, 2, 4, 8 and 16 minutes, then the notice is dropped.
    /// </summary>
    public const int MaxAttempts = 6;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);

    /// <summary>
    /// What the policy would decide at <paramref name="at"/> (default now), and the history it decided from.
    /// </summary>
    public async Task<(NoticeDecision Decision, CustomerHistory History)> DecideAsync(
        ConversationReference customer,
        NoticeCandidate candidate,
        CancellationToken cancellationToken,
        DateTimeOffset? at = null
    )
    {
        var history = await HistoryAsync(customer, cancellationToken) with
        {
            TemplatesReach = TemplateSender(customer) is not null,
        };
        return (policy.Decide(candidate, history, at ?? time.GetUtcNow()), history);
    }

    public async Task<NoticeOutcome> DecideAndSendAsync(
        OutgoingNotice notice,
        int attempt,
        CancellationToken cancellationToken
    )
    {
        var (customer, candidate) = (notice.Customer, notice.Candidate);
        var (decision, _) = await DecideAsync(customer, candidate, cancellationToken);
        if (decision.Verdict != Verdict.Send)
        {
            return await RecordAsync(notice, decision, null, cancellationToken);
        }

        var channel = decision.Channel!.Value;
        TemplatePayload? payload = null;
        if (channel == NoticeChannel.TemplateMessage)
        {
            // The policy never picks a template message for a promotion; this road refuses one all the same.
            if (
                candidate is not { Topic: not NoticeTopic.Promotion, Template: { } kind }
                || templateMessages.Value.IdFor(kind) is not { } id
                || TemplateSender(customer) is null
            )
            {
                return await RecordAsync(
                    notice,
                    NoticeDecision.Drop(PolicyRule.Channel),
                    "no template message may carry this notice",
                    cancellationToken
                );
            }

            payload = new TemplatePayload(id, templateMessages.Value.Fill(kind, notice.TemplateValues), notice.Page);
        }
        else if (channel == NoticeChannel.SubscribeMessage)
        {
            var template = templates.Value.TemplateFor(candidate.Topic);
            if (template is null || !await SpendOneTimeConsentAsync(notice, cancellationToken))
            {
                return await RecordAsync(
                    notice,
                    NoticeDecision.Drop(PolicyRule.Channel),
                    "no one-time consent left for the template",
                    cancellationToken
                );
            }

            payload = new TemplatePayload(
                template,
                templates.Value.Fill(candidate.Topic, notice.TemplateValues),
                notice.Page
            );
        }

        var result = await outbox.SendOnceAsync(
            customer,
            candidate.Key,
            (delivered, ct) =>
                payload is null
                    ? messenger.TryOnceAsync(customer, [.. notice.Message.Skip(delivered)], ct)
                    : SendTemplateAsync(customer, channel, payload, candidate.Key, ct),
            cancellationToken
        );
        var reported = payload is not null; // template and subscribe messages: WeChat reports their delivery
        var went = new Sent(
            result.Send?.MessageId,
            reported ? NoticeDelivery.Unknown : NoticeDelivery.Delivered,
            payload
        );
        switch (result.Verdict)
        {
            case OutboxVerdict.Sent:
                return await RecordAsync(notice, decision, null, cancellationToken, result.SentAt, went);
            case OutboxVerdict.AlreadySent:
                // The process died after the channel took it, before the ledger heard: complete the ledger now.
                if (
                    !(await ledger.ListAsync(customer, cancellationToken)).Any(r =>
                        r.Key == candidate.Key && r.Verdict == Verdict.Send
                    )
                )
                {
                    await RecordAsync(
                        notice,
                        decision,
                        "recorded after a restart",
                        cancellationToken,
                        result.SentAt,
                        went
                    );
                }

                return NoticeOutcome.Dropped(PolicyRule.Once);
            case OutboxVerdict.InFlight:
                return new NoticeOutcome(Verdict.Defer, PolicyRule.Once, result.RetryAt);
            case OutboxVerdict.CutOff:
                return await RecordAsync(
                    notice,
                    reported ? decision : NoticeDecision.Drop(PolicyRule.Once),
                    $"an earlier attempt was cut off mid-send at {result.SentAt:O} (its process stopped); "
                        + $"WeChat may have it, so it is not sent again"
                        + (reported ? "; its delivery report settles it" : ""),
                    cancellationToken,
                    sent: went with
                    {
                        Delivery = NoticeDelivery.Unknown,
                    }
                );
            case OutboxVerdict.Unanswered:
                // Recorded once, by the attempt that met the silence; a later attempt only finds the key settled.
                return result.Send is { } silent
                    ? await RecordAsync(
                        notice,
                        reported ? decision : NoticeDecision.Drop(PolicyRule.Once),
                        $"WeChat did not answer the send ({silent.Detail}); it may have it, so it is not sent again"
                            + (reported ? "; its delivery report settles it" : ""),
                        cancellationToken,
                        sent: went with
                        {
                            Delivery = NoticeDelivery.Unknown,
                        }
                    )
                    : NoticeOutcome.Dropped(PolicyRule.Once);
            default:
                if (channel == NoticeChannel.SubscribeMessage)
                {
                    await conversations.UpdateAsync(
                        customer,
                        record => Change(record, c => c.Refund(candidate.Key)) is true,
                        cancellationToken
                    );
                }

                var send = result.Send!;
                var detail =
                    send.Delivered == 0
                        ? $"{send.Status}: {send.Detail}"
                        : $"{send.Status}: {send.Detail} ({send.Delivered} of {notice.Message.Count} "
                            + $"messages went before it)";
                return send.IsTransient && attempt < MaxAttempts
                    ? await RecordAsync(
                        notice,
                        NoticeDecision.Defer(
                            PolicyRule.Retry,
                            time.GetUtcNow() + FirstRetry * Math.Pow(2, attempt - 1)
                        ),
                        detail,
                        cancellationToken
                    )
                    : await RecordAsync(notice, NoticeDecision.Drop(PolicyRule.Channel), detail, cancellationToken);
        }
    }

    /// <summary>The customer's channel's template-message sender, if it has template messages.</summary>
    private ITemplateMessageSender? TemplateSender(ConversationReference customer) =>
        Array.Find(_templateSenders, s => s.Channel == customer.Channel);

    /// <summary>Sends a template or subscribe message as recorded; also how a reported failure goes again.</summary>
    internal Task<SendOutcome> SendTemplateAsync(
        ConversationReference customer,
        NoticeChannel channel,
        TemplatePayload payload,
        string idempotencyKey,
        CancellationToken cancellationToken
    ) =>
        channel != NoticeChannel.TemplateMessage
            ? subscribeMessages.SendAsync(customer, payload.TemplateId, payload.Data, payload.Url, cancellationToken)
        : TemplateSender(customer) is { } sender
            ? sender.SendAsync(
                customer,
                payload.TemplateId,
                payload.Data,
                payload.Url,
                idempotencyKey,
                cancellationToken
            )
        // Never a subscribe message in a template message's place: that would spend the wrong consent.
        : Task.FromResult(new SendOutcome(SendStatus.Failed, $"no template messages on {customer.Channel}"));

    private sealed record Sent(string? MessageId, NoticeDelivery Delivery, TemplatePayload? Payload);

    private async Task<NoticeOutcome> RecordAsync(
        OutgoingNotice notice,
        NoticeDecision decision,
        string? detail,
        CancellationToken cancellationToken,
        DateTimeOffset? at = null,
        Sent? sent = null
    )
    {
        var record = new NoticeRecord(
            notice.Candidate.Key,
            notice.Candidate.Topic,
            decision.Verdict,
            decision.Rule,
            decision.Channel,
            at ?? time.GetUtcNow(),
            decision.NotBefore,
            detail
        )
        {
            MessageId = sent?.MessageId,
            Delivery = sent?.Delivery,
            Payload = sent?.Payload,
        };
        await ledger.RecordAsync(notice.Customer, record, cancellationToken);
        return new NoticeOutcome(decision.Verdict, decision.Rule, decision.NotBefore) { Channel = decision.Channel };
    }

    // Spent before the send, by notice key, so a retry of the same notice finds it spent on itself.
    private async Task<bool> SpendOneTimeConsentAsync(OutgoingNotice notice, CancellationToken cancellationToken)
    {
        var spent = false;
        await conversations.UpdateAsync(
            notice.Customer,
            record =>
            {
                var after = Change(record, c => c.Spend(notice.Candidate.Topic, notice.Candidate.Key));
                spent = after is not null;
                return after is true;
            },
            cancellationToken
        );
        return spent;
    }

    /// <summary>
    /// Applies a consent change to the record: null when it cannot be made, false when nothing changed, true when
    /// written.
    /// </summary>
    private static bool? Change(ConversationRecord record, Func<Consents, Consents?> change)
    {
        var before = Consents.Of(record);
        if (change(before) is not { } after)
        {
            return null;
        }

        if (ReferenceEquals(after, before))
        {
            return false;
        }

        Consents.Property.Set(record, after);
        return true;
    }

    /// <summary>
    /// What the policy would decide at <paramref name="at"/> for each customer, reading their histories in bulk.
    /// </summary>
    public async Task<IReadOnlyList<NoticeDecision>> DecideManyAsync(
        IReadOnlyList<ConversationReference> customers,
        NoticeCandidate candidate,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var records = await conversations.LoadManyAsync(customers, cancellationToken);
        var ledgers = await ledger.ListManyAsync(customers, cancellationToken);
        return
        [
            .. customers.Select(
                (customer, i) =>
                    policy.Decide(
                        candidate,
                        History(records[i].Record, ledgers[i]) with
                        {
                            TemplatesReach = TemplateSender(customer) is not null,
                        },
                        at
                    )
            ),
        ];
    }

    private async Task<CustomerHistory> HistoryAsync(
        ConversationReference customer,
        CancellationToken cancellationToken
    ) =>
        History(
            (await conversations.LoadAsync(customer, cancellationToken)).Record,
            await ledger.ListAsync(customer, cancellationToken)
        );

    private static CustomerHistory History(ConversationRecord record, IReadOnlyList<NoticeRecord> ledger) =>
        new(
            Consents.Of(record),
            record.LastUserMessageAt,
            record.LastUserActivityAt,
            [
                .. ledger
                    .Where(r => r.Verdict == Verdict.Send && r.Channel is not null)
                    .Select(r => new SentNotice(r.Topic, r.Key, r.At, r.Channel!.Value)),
            ]
        );
}
