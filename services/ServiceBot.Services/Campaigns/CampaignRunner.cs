using System.Collections.Concurrent;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// Previews a campaign and fans it out in pages. Every recipient goes through the same road as a
/// delivery notice (<see cref="NoticeSender"/>: policy, outbox, ledger), so a campaign can never
/// send a customer what the policy forbids, nor the same campaign twice.
/// </summary>
internal sealed class CampaignRunner(
    CampaignStore campaigns,
    CampaignAudienceFinder audience,
    NoticeSender sender,
    NoticeLedger ledger,
    ConsentIndex consents,
    TimeProvider time
)
{
    /// <summary>Recipients per page: one page is one run of the fan-out job.</summary>
    public const int PageSize = 500;

    private const int Parallelism = 8;

    /// <summary>
    /// How many would get it (at its send time, or now if that has passed) and how many each rule holds back.
    /// </summary>
    public async Task<CampaignPreview> PreviewAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var at = campaign.SendAt > time.GetUtcNow() ? campaign.SendAt : time.GetUtcNow();
        var recipients = await audience.FindAsync(campaign, at, cancellationToken);
        var candidate = new NoticeCandidate(NoticeTopic.Promotion, campaign.NoticeKey);
        var heldBack = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var wouldSend = 0;

        // Whoever the consent index does not list has no promotion consent: held back by that rule
        // without reading their history (one previously sent this very campaign is counted here
        // too, where the fan-out would say Once). The rest get the full decision.
        var consenting = await consents.CustomersAsync(NoticeTopic.Promotion, cancellationToken);
        var candidates = recipients.Where(consenting.Contains).ToArray();
        if (candidates.Length < recipients.Count)
        {
            heldBack[nameof(PolicyRule.Consent)] = recipients.Count - candidates.Length;
        }

        await Parallel.ForEachAsync(
            candidates.Chunk(PageSize),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (page, ct) =>
            {
                foreach (
                    var decision in await sender.DecideManyAsync([.. page.Select(Customers.Of)], candidate, at, ct)
                )
                {
                    if (decision.Verdict == Verdict.Send)
                    {
                        Interlocked.Increment(ref wouldSend);
                    }
                    else
                    {
                        heldBack.AddOrUpdate(decision.Rule.ToString(), 1, (_, n) => n + 1);
                    }
                }
            }
        );
        return new CampaignPreview(
            campaign.CampaignId,
            recipients.Count,
            wouldSend,
            heldBack.OrderBy(h => h.Key, StringComparer.Ordinal).ToDictionary(h => h.Key, h => h.Value),
            at
        );
    }

    /// <summary>
    /// Does the next step of the fan-out; returns when the next step is due, or null when the campaign is done.
    /// </summary>
    public async Task<DateTimeOffset?> RunStepAsync(string campaignId, CancellationToken cancellationToken)
    {
        // Cancelled: nothing more goes out, not the next page nor the held-back recipients.
        if (
            await campaigns.GetAsync(campaignId, cancellationToken) is not { } campaign
            || await campaigns.CancelledAtAsync(campaignId, cancellationToken) is not null
        )
        {
            return null;
        }

        var now = time.GetUtcNow();
        var progress = await campaigns.GetProgressAsync(campaignId, cancellationToken);
        if (progress is null)
        {
            var recipients = await audience.FindAsync(campaign, now, cancellationToken);
            // In ordinal order, so the pages are the same whichever instance cuts them.
            var pages = recipients.Order(StringComparer.Ordinal).Chunk(PageSize).ToArray();
            for (var page = 0; page < pages.Length; page++)
            {
                await campaigns.SavePageAsync(campaignId, page, new AudiencePage(pages[page], []), cancellationToken);
            }

            progress = CampaignProgress.Start(pages.Length, recipients.Count);
            await campaigns.SaveProgressAsync(campaignId, progress, cancellationToken);
            return progress.Finished ? null : now;
        }

        if (progress.Finished)
        {
            return null;
        }

        if (progress.NextPage < progress.Pages)
        {
            var page = await campaigns.GetPageAsync(campaignId, progress.NextPage, cancellationToken);
            var (sent, dropped, deferred) = await SendAsync(campaign, page.Recipients, cancellationToken);
            await campaigns.SavePageAsync(
                campaignId,
                progress.NextPage,
                page with
                {
                    Deferred = deferred,
                },
                cancellationToken
            );
            progress = progress with
            {
                NextPage = progress.NextPage + 1,
                Sent = progress.Sent + sent,
                Dropped = progress.Dropped + dropped,
                Deferred = progress.Deferred + deferred.Count,
                NextDeferredAt = Earliest(progress.NextDeferredAt, deferred),
            };
            if (progress.NextPage < progress.Pages)
            {
                await campaigns.SaveProgressAsync(campaignId, progress, cancellationToken);
                return now;
            }
        }
        else
        {
            progress = await RetryDeferredAsync(campaign, progress, now, cancellationToken);
        }

        progress = progress with { Finished = progress.NextDeferredAt is null };
        await campaigns.SaveProgressAsync(campaignId, progress, cancellationToken);
        return progress.NextDeferredAt;
    }

    private async Task<CampaignProgress> RetryDeferredAsync(
        Campaign campaign,
        CampaignProgress progress,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var expired = now > campaign.SendAt + Campaign.DeferralLimit;
        DateTimeOffset? next = null;
        var (sentTotal, droppedTotal, deferredTotal) = (progress.Sent, progress.Dropped, 0);
        for (var index = 0; index < progress.Pages; index++)
        {
            var page = await campaigns.GetPageAsync(campaign.CampaignId, index, cancellationToken);
            if (page.Deferred.Count == 0)
            {
                continue;
            }

            var due = page.Deferred.Where(d => d.NotBefore <= now || expired).ToArray();
            var waiting = page.Deferred.Except(due).ToList();
            if (expired)
            {
                foreach (var recipient in due)
                {
                    await ledger.RecordAsync(
                        Customers.Of(recipient.OpenId),
                        new NoticeRecord(
                            campaign.NoticeKey,
                            NoticeTopic.Promotion,
                            Verdict.Drop,
                            PolicyRule.QuietHours,
                            null,
                            now,
                            null,
                            $"held back until the campaign expired ({Campaign.DeferralLimit.TotalDays:0} "
                                + $"days after its time)"
                        ),
                        cancellationToken
                    );
                }

                droppedTotal += due.Length;
            }
            else if (due.Length > 0)
            {
                var (sent, dropped, deferred) = await SendAsync(
                    campaign,
                    [.. due.Select(d => d.OpenId)],
                    cancellationToken
                );
                (sentTotal, droppedTotal) = (sentTotal + sent, droppedTotal + dropped);
                waiting.AddRange(deferred);
            }

            await campaigns.SavePageAsync(
                campaign.CampaignId,
                index,
                page with
                {
                    Deferred = waiting,
                },
                cancellationToken
            );
            deferredTotal += waiting.Count;
            next = Earliest(next, waiting);
        }

        return progress with
        {
            Sent = sentTotal,
            Dropped = droppedTotal,
            Deferred = deferredTotal,
            NextDeferredAt = next,
        };
    }

    private async Task<(int Sent, int Dropped, List<DeferredRecipient> Deferred)> SendAsync(
        Campaign campaign,
        IReadOnlyList<string> recipients,
        CancellationToken cancellationToken
    )
    {
        var deferred = new ConcurrentBag<DeferredRecipient>();
        var (sent, dropped) = (0, 0);
        var message = Message(campaign);
        var values = new Dictionary<string, string> { ["title"] = campaign.Title, ["body"] = campaign.Body };
        await Parallel.ForEachAsync(
            recipients,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (openId, ct) =>
            {
                var notice = new OutgoingNotice(
                    Customers.Of(openId),
                    new NoticeCandidate(NoticeTopic.Promotion, campaign.NoticeKey),
                    message,
                    values,
                    campaign.Url
                );
                var outcome = await sender.DecideAndSendAsync(notice, 1, ct);
                switch (outcome)
                {
                    case { Verdict: Verdict.Send }:
                        Interlocked.Increment(ref sent);
                        break;
                    case { Verdict: Verdict.Defer, RetryAt: { } at }:
                        deferred.Add(new DeferredRecipient(openId, at));
                        break;
                    default:
                        Interlocked.Increment(ref dropped);
                        break;
                }
            }
        );
        return (sent, dropped, [.. deferred.OrderBy(d => d.OpenId, StringComparer.Ordinal)]);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? current, IEnumerable<DeferredRecipient> deferred) =>
        deferred.Select(d => (DateTimeOffset?)d.NotBefore).Append(current).Where(d => d is not null).Min();

    private static IReadOnlyList<Reply> Message(Campaign campaign) => [Reply.FromText(CampaignText.Message(campaign))];
}
