using Mediator;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Returns;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// What the merchant's systems hear of: each domain event as a webhook event (CONTRACT: outbound
/// webhooks). The data names ids only, never what a customer wrote.
/// </summary>
internal sealed class WebhookEvents(WebhookOutbox outbox)
    : INotificationHandler<ReturnRequested>,
        INotificationHandler<ReturnDecided>,
        INotificationHandler<CaseChanged>,
        INotificationHandler<ConsentChanged>,
        INotificationHandler<NoticeSettled>
{
    public async ValueTask Handle(ReturnRequested requested, CancellationToken cancellationToken)
    {
        var request = requested.Request;
        await outbox.PublishAsync(
            WebhookEvent.Of(
                "return.requested",
                request.RmaId,
                request.CreatedAt,
                Pair("rmaId", request.RmaId),
                Pair("orderId", request.OrderId),
                Pair("sku", request.Sku),
                Pair("kind", request.Kind.ToString().ToLowerInvariant()),
                Pair("openId", request.OpenId)
            ),
            cancellationToken
        );
    }

    public async ValueTask Handle(ReturnDecided decided, CancellationToken cancellationToken)
    {
        var request = decided.Request;
        await outbox.PublishAsync(
            WebhookEvent.Of(
                "return.decided",
                request.RmaId,
                request.DecidedAt ?? request.CreatedAt,
                Pair("rmaId", request.RmaId),
                Pair("orderId", request.OrderId),
                Pair("status", request.Status.ToString().ToLowerInvariant()),
                Pair("openId", request.OpenId)
            ),
            cancellationToken
        );
    }

    public async ValueTask Handle(CaseChanged changed, CancellationToken cancellationToken)
    {
        var handoff = changed.Case;
        var (type, at) = changed.Change switch
        {
            CaseChange.Queued => ("case.opened", handoff.QueuedAt),
            CaseChange.Resolved => ("case.resolved", handoff.ClosedAt ?? handoff.QueuedAt),
            _ => (null, default),
        };
        if (type is null)
        {
            return;
        }

        await outbox.PublishAsync(
            WebhookEvent.Of(
                type,
                $"{handoff.CaseId}\n{handoff.QueuedAt.UtcTicks}",
                at,
                Pair("caseId", handoff.CaseId),
                Pair("channel", handoff.Customer.Channel),
                Pair("openId", handoff.Customer.UserId),
                Pair("agent", type == "case.resolved" ? handoff.AgentId : null)
            ),
            cancellationToken
        );
    }

    public async ValueTask Handle(ConsentChanged changed, CancellationToken cancellationToken) =>
        await outbox.PublishAsync(
            WebhookEvent.Of(
                "consent.changed",
                $"{changed.Customer.Channel}\n{changed.Customer.UserId}\n{changed.Topic}\n{changed.At.UtcTicks}",
                changed.At,
                Pair("channel", changed.Customer.Channel),
                Pair("openId", changed.Customer.UserId),
                Pair("topic", changed.Topic.ToString().ToLowerInvariant()),
                Pair("consent", changed.OptedIn ? "granted" : "withdrawn"),
                Pair("oneTime", changed.OneTime ? "true" : "false")
            ),
            cancellationToken
        );

    public async ValueTask Handle(NoticeSettled settled, CancellationToken cancellationToken)
    {
        var record = settled.Record;
        if (record.Delivery is not (NoticeDelivery.Delivered or NoticeDelivery.Failed))
        {
            return;
        }

        var type = record.Delivery == NoticeDelivery.Delivered ? "notice.delivered" : "notice.failed";
        await outbox.PublishAsync(
            WebhookEvent.Of(
                type,
                $"{settled.Customer.UserId}\n{record.Key}\n{record.MessageId}",
                record.At,
                Pair("noticeKey", record.Key),
                Pair("channel", settled.Customer.Channel),
                Pair("openId", settled.Customer.UserId),
                Pair("messageId", record.MessageId),
                Pair("topic", record.Topic.ToString().ToLowerInvariant())
            ),
            cancellationToken
        );
    }

    private static KeyValuePair<string, string?> Pair(string key, string? value) => new(key, value);
}
