using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Photos;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// The customer's side of a handoff. In a turn, a dialog asks for a person: a case opens with the
/// bot's part of the conversation, the conversation is locked to people (the bot falls silent),
/// and the customer hears their place in the queue. While the lock holds, every customer turn
/// lands here: it joins the case's transcript (photos kept), or, with 取消/cancel while waiting,
/// the customer leaves the queue and the bot is back.
/// </summary>
internal sealed class CustomerHandoff(
    HandoffCaseStore cases,
    CustomerPhotos photos,
    IOptions<HandoffOptions> options,
    IOptions<ShopOptions> shop,
    TimeProvider time
) : IHandoffInbox, IDisposable
{
    private const long MaxPhotoBytes = 10 * 1024 * 1024;

    private readonly FixedWindowRateLimiter _anonymousCases = new(
        new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AnonymousCasesPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }
    );

    public static StateProperty<HandoffLink> Link { get; } = new("handoff", HandoffJsonContext.Default.HandoffLink);

    /// <summary>Queues the conversation for a person; a conversation already with people is left as it is.</summary>
    public async Task RequestAsync(TurnContext turn, string reason, CancellationToken cancellationToken)
    {
        if (turn.State.Owner != ConversationOwner.Bot)
        {
            return;
        }

        if (turn.Activity.Anonymous)
        {
            using var lease = _anonymousCases.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                turn.SendText(HandoffText.QueueFull(turn.IsEnglish));
                return;
            }
        }

        // Named by the asking activity's time, so a re-run of this turn opens the same case.
        var caseId = HandoffCaseStore.NewCaseId(turn.Conversation, turn.Activity.Timestamp);
        var queuedAt = time.GetUtcNow();
        var entries = Transcript
            .Of(turn.State)
            .Select(l => new CaseEntry(
                l.FromUser ? CaseEntryKind.Customer : CaseEntryKind.Bot,
                l.At,
                l.Text,
                ActivityId: l.ActivityId
            ))
            .ToList();
        entries.Add(await CustomerEntryAsync(turn.Activity, cancellationToken));
        var opened = HandoffCase.Queued(caseId, turn.Conversation, reason, queuedAt, entries);
        await cases.OpenAsync(opened, cancellationToken);

        turn.State.Owner = ConversationOwner.Queued;
        Link.Set(turn, HandoffLink.Waiting(caseId));
        var ahead = (await cases.ListOpenAsync(cancellationToken)).Count(c =>
            c.State == CaseState.Queued && string.CompareOrdinal(c.CaseId, caseId) < 0
        );
        if (IsBusinessHours(time.GetUtcNow()))
        {
            turn.SendText(HandoffText.Queued(ahead, turn.IsEnglish));
        }
        else
        {
            turn.SendText(HandoffText.QueuedOutOfHours(options.Value.BusinessHours, turn.IsEnglish));
        }

        turn.Raise(new CaseChanged(opened, CaseChange.Queued));
    }

    public async Task ReceiveAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (Link.Get(turn) is not { } link)
        {
            // A lock without a case cannot be worked by anyone: give the conversation back to the bot.
            turn.State.Owner = ConversationOwner.Bot;
            return;
        }

        if (
            turn.State.Owner == ConversationOwner.Queued
            && turn.Activity.IsMessage
            && MenuWords.IsCancel(turn.Activity.Text)
        )
        {
            var now = time.GetUtcNow();
            var left = await cases.UpdateAsync(
                link.CaseId,
                c =>
                    c.State == CaseState.Queued
                        ? c.With(
                            new CaseEntry(CaseEntryKind.System, now, "客户退出了排队 / the customer left the queue")
                        ) with
                        {
                            State = CaseState.Closed,
                            ClosedAt = now,
                            Outcome = "left the queue",
                        }
                        : null,
                cancellationToken
            );
            Release(turn.State);
            turn.SendText(HandoffText.LeftQueue(turn.IsEnglish));
            if (left is not null)
            {
                turn.Raise(new CaseChanged(left, CaseChange.LeftQueue));
            }

            return;
        }

        var entry = await CustomerEntryAsync(turn.Activity, cancellationToken);
        var updated = await cases.UpdateAsync(
            link.CaseId,
            c => c.Entries.Any(e => e.ActivityId == turn.Activity.Id) ? null : c.With(entry),
            cancellationToken
        );
        if (updated is not null)
        {
            turn.Raise(new CaseChanged(updated, CaseChange.CustomerWrote));
        }
    }

    public void Dispose() => _anonymousCases.Dispose();

    /// <summary>Gives the conversation back to the bot: no lock, no case, a fresh dialog stack.</summary>
    public static void Release(ConversationRecord record)
    {
        record.Owner = ConversationOwner.Bot;
        Link.Delete(record);
        record.DialogStack.Clear();
    }

    public bool IsBusinessHours(DateTimeOffset at)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, shop.Value.Zone).DateTime);
        return local >= options.Value.BusinessHours.Start && local < options.Value.BusinessHours.End;
    }

    private async Task<CaseEntry> CustomerEntryAsync(Activity activity, CancellationToken cancellationToken)
    {
        var sent = activity.Kind is MessageKind.Image or MessageKind.Voice or MessageKind.Video;
        var kept = sent ? await photos.KeepAsync(activity, MaxPhotoBytes, cancellationToken) : null;
        var text =
            sent && kept is null
                ? $"{Transcript.Describe(activity)} [未能取回 / could not be fetched]"
                : Transcript.Describe(activity);
        return new CaseEntry(CaseEntryKind.Customer, time.GetUtcNow(), text, PhotoId: kept?.Id, ActivityId: activity.Id)
        {
            MediaType = kept?.ContentType,
        };
    }
}
