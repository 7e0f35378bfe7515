using Mediator;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// How much room WeChat leaves for replies: when the 48-hour window closes, and how many messages are left in it.
/// </summary>
internal sealed record ReplyWindow(DateTimeOffset? ClosesAt, int RepliesLeft, bool Open)
{
    /// <summary>The customer never wrote, so WeChat allows no reply at all.</summary>
    public static ReplyWindow Never { get; } = new(null, 0, false);
}

/// <summary>
/// The agents' side of a handoff: claim a waiting chat, reply (through the customer-service API,
/// inside WeChat's rules), write internal notes, transfer, and hand the chat back to the bot or
/// resolve it. Ownership lives in the conversation document (the turn pipeline's hard lock), so
/// every change here is a conditional update of it first, then of the case.
/// </summary>
internal sealed class AgentDesk(
    HandoffCaseStore cases,
    ConversationStateStore conversations,
    ProactiveMessenger messenger,
    IPublisher publisher,
    IOptions<ShopOptions> shop,
    IOptions<HandoffOptions> idle,
    TimeProvider time
)
{
    public const int MaxText = 2000;

    public Task<IReadOnlyList<HandoffCase>> QueueAsync(CancellationToken cancellationToken) =>
        cases.ListOpenAsync(cancellationToken);

    public Task<HandoffCase?> GetAsync(string caseId, CancellationToken cancellationToken) =>
        cases.GetAsync(caseId, cancellationToken);

    public Task<DeskResult> ClaimAsync(string caseId, string agent, CancellationToken cancellationToken) =>
        ClaimAsync(caseId, agent, agent, cancellationToken);

    /// <summary>
    /// Claims a waiting chat; the customer is greeted by <paramref name="shownAs"/>, the agent's name for people.
    /// </summary>
    public async Task<DeskResult> ClaimAsync(
        string caseId,
        string agent,
        string shownAs,
        CancellationToken cancellationToken
    )
    {
        if (await cases.GetAsync(caseId, cancellationToken) is not { } found)
        {
            return DeskResult.Refused(DeskRefusal.NotFound, "No such case.");
        }

        var claimed = await conversations.UpdateAsync(
            found.Customer,
            record =>
            {
                if (record.Owner != ConversationOwner.Queued || CustomerHandoff.Link.Get(record)?.CaseId != caseId)
                {
                    return false;
                }

                record.Owner = ConversationOwner.Agent;
                CustomerHandoff.Link.Set(record, new HandoffLink(caseId, agent));
                return true;
            },
            cancellationToken
        );
        if (!claimed)
        {
            var now = await cases.GetAsync(caseId, cancellationToken);
            return DeskResult.Refused(
                DeskRefusal.Conflict,
                now is { State: CaseState.Agent, AgentId: { } other }
                    ? $"{other} has already claimed this chat."
                    : "This chat is no longer waiting."
            );
        }

        var at = time.GetUtcNow();
        HandoffMetrics.Claimed(at - found.QueuedAt);
        var greeting = await SendAsync(found.Customer, HandoffText.AgentJoined(shownAs), cancellationToken);
        var after = await cases.UpdateAsync(
            caseId,
            c =>
                c.With(
                    new CaseEntry(CaseEntryKind.System, at, $"{shownAs} 接入 / joined", agent, SentToCustomer: greeting)
                ) with
                {
                    State = CaseState.Agent,
                    AgentId = agent,
                    ClaimedAt = at,
                    LastAgentAt = at,
                },
            cancellationToken
        );
        return await DoneAsync(after!, CaseChange.Claimed, cancellationToken);
    }

    public async Task<DeskResult> ReplyAsync(
        string caseId,
        string agent,
        string text,
        CancellationToken cancellationToken
    ) =>
        Validate(text)
        ?? await SendToCustomerAsync(
            caseId,
            agent,
            Reply.FromText(text.Trim()),
            at => new CaseEntry(CaseEntryKind.Agent, at, text.Trim(), agent, SentToCustomer: true),
            cancellationToken
        );

    /// <summary>A photo from the agent (kept in the photo store) to the customer, as one image message.</summary>
    public Task<DeskResult> SendPhotoAsync(
        string caseId,
        string agent,
        string photoId,
        CancellationToken cancellationToken
    ) =>
        SendToCustomerAsync(
            caseId,
            agent,
            Reply.FromPhoto(photoId),
            at => new CaseEntry(
                CaseEntryKind.Agent,
                at,
                "[照片 / photo]",
                agent,
                PhotoId: photoId,
                SentToCustomer: true
            ),
            cancellationToken
        );

    // What the agent sends, once WeChat's window and quota allow it; kept in the transcript only when it went.
    private async Task<DeskResult> SendToCustomerAsync(
        string caseId,
        string agent,
        Reply reply,
        Func<DateTimeOffset, CaseEntry> entry,
        CancellationToken cancellationToken
    )
    {
        if (await OwnedAsync(caseId, agent, cancellationToken) is not ({ } found, { } record))
        {
            return await NotOwnedAsync(caseId, cancellationToken);
        }

        var window = Window(found, record);
        if (!window.Open)
        {
            return DeskResult.Refused(
                DeskRefusal.Conflict,
                window.ClosesAt is { } closed
                    ? $"WeChat's 48-hour window closed at {closed:yyyy-MM-dd HH:mm} UTC: it would refuse "
                        + $"the message (45015). Wait for the customer to write."
                    : "The customer has not written a message yet, so WeChat would refuse a "
                        + "customer-service message (45015)."
            );
        }

        if (window.RepliesLeft == 0)
        {
            return DeskResult.Refused(
                DeskRefusal.Conflict,
                $"{shop.Value.ServiceMessagesPerWindow} messages already went out since the customer last "
                    + $"wrote: WeChat allows no more until they write again."
            );
        }

        var outcome = await messenger.SendAsync(found.Customer, [reply], cancellationToken);
        if (outcome.Status == SendStatus.Unanswered)
        {
            return DeskResult.Refused(
                DeskRefusal.ChannelFailed,
                "WeChat did not answer, so the customer may or may not have the message. It is not kept in "
                    + "the chat; ask the customer before sending it again."
            );
        }

        if (!outcome.IsSent)
        {
            return DeskResult.Refused(
                DeskRefusal.ChannelFailed,
                $"WeChat did not take the message: {outcome.Status} ({outcome.Detail})."
            );
        }

        var at = time.GetUtcNow();
        var after = await cases.UpdateAsync(
            caseId,
            c => c.With(entry(at)) with { LastAgentAt = at },
            cancellationToken
        );
        return await DoneAsync(after!, CaseChange.AgentReplied, cancellationToken);
    }

    /// <summary>An internal note: kept with the case, never sent to the customer.</summary>
    public async Task<DeskResult> NoteAsync(
        string caseId,
        string agent,
        string text,
        CancellationToken cancellationToken
    )
    {
        if (Validate(text) is { } bad)
        {
            return bad;
        }

        var at = time.GetUtcNow();
        var after = await cases.UpdateAsync(
            caseId,
            c => c.State == CaseState.Closed ? null : c.With(new CaseEntry(CaseEntryKind.Note, at, text.Trim(), agent)),
            cancellationToken
        );
        return after is { State: not CaseState.Closed }
            ? await DoneAsync(after, CaseChange.Noted, cancellationToken)
            : DeskResult.Refused(DeskRefusal.Conflict, "This case is closed.");
    }

    public async Task<DeskResult> TransferAsync(
        string caseId,
        string agent,
        string toAgent,
        CancellationToken cancellationToken
    )
    {
        if (await OwnedAsync(caseId, agent, cancellationToken) is not ({ } found, _))
        {
            return await NotOwnedAsync(caseId, cancellationToken);
        }

        var moved = await conversations.UpdateAsync(
            found.Customer,
            record =>
            {
                if (Held(record, caseId, agent) is not { } link)
                {
                    return false;
                }

                CustomerHandoff.Link.Set(record, link with { AgentId = toAgent });
                return true;
            },
            cancellationToken
        );
        if (!moved)
        {
            return await NotOwnedAsync(caseId, cancellationToken);
        }

        var at = time.GetUtcNow();
        var after = await cases.UpdateAsync(
            caseId,
            c =>
                c.With(
                    new CaseEntry(CaseEntryKind.System, at, $"{agent} 转给 {toAgent} / transferred to {toAgent}", agent)
                ) with
                {
                    AgentId = toAgent,
                    LastAgentAt = at,
                },
            cancellationToken
        );
        return await DoneAsync(after!, CaseChange.Transferred, cancellationToken);
    }

    /// <summary>Hands the chat back to the bot, or resolves it; the customer is told either way.</summary>
    public async Task<DeskResult> ReleaseAsync(
        string caseId,
        string agent,
        bool resolved,
        CancellationToken cancellationToken
    )
    {
        if (await OwnedAsync(caseId, agent, cancellationToken) is not ({ } found, _))
        {
            return await NotOwnedAsync(caseId, cancellationToken);
        }

        var released = await conversations.UpdateAsync(
            found.Customer,
            record =>
            {
                if (Held(record, caseId, agent) is not { } link)
                {
                    return false;
                }

                CustomerHandoff.Release(record);
                return true;
            },
            cancellationToken
        );
        if (!released)
        {
            return await NotOwnedAsync(caseId, cancellationToken);
        }

        var goodbye = resolved ? HandoffText.ChatResolved : HandoffText.BackToTheBot;
        var told = await SendAsync(found.Customer, goodbye, cancellationToken);
        var at = time.GetUtcNow();
        var outcome = resolved ? $"resolved by {agent}" : $"handed back to the bot by {agent}";
        var after = await cases.UpdateAsync(
            caseId,
            c =>
                c.With(new CaseEntry(CaseEntryKind.System, at, outcome, agent, SentToCustomer: told)) with
                {
                    State = CaseState.Closed,
                    ClosedAt = at,
                    Outcome = outcome,
                },
            cancellationToken
        );
        return await DoneAsync(after!, resolved ? CaseChange.Resolved : CaseChange.HandedBack, cancellationToken);
    }

    /// <summary>
    /// Nobody claimed the chat in time: the customer is told and offered a call back, and the bot
    /// takes the conversation again. Nothing happens if the case moved on meanwhile.
    /// </summary>
    public async Task<DeskResult> QueueTimedOutAsync(string caseId, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(caseId, cancellationToken) is not { State: CaseState.Queued } found)
        {
            return DeskResult.Refused(DeskRefusal.Conflict, "The case is no longer waiting.");
        }

        var released = await conversations.UpdateAsync(
            found.Customer,
            record =>
            {
                if (record.Owner != ConversationOwner.Queued || CustomerHandoff.Link.Get(record)?.CaseId != caseId)
                {
                    return false;
                }

                CustomerHandoff.Release(record);
                return true;
            },
            cancellationToken
        );
        if (!released)
        {
            return DeskResult.Refused(DeskRefusal.Conflict, "The case is no longer waiting.");
        }

        var told = await SendAsync(found.Customer, HandoffText.AllAgentsBusy, cancellationToken);
        var at = time.GetUtcNow();
        var after = await cases.UpdateAsync(
            caseId,
            c =>
                c.With(
                    new CaseEntry(
                        CaseEntryKind.System,
                        at,
                        "无人接入，已超时 / nobody claimed it in time",
                        SentToCustomer: told
                    )
                ) with
                {
                    State = CaseState.Closed,
                    ClosedAt = at,
                    Outcome = "nobody claimed it in time",
                },
            cancellationToken
        );
        return await DoneAsync(after!, CaseChange.QueueTimedOut, cancellationToken);
    }

    /// <summary>
    /// The agent fell silent: the chat goes back to the queue for someone else (unless they wrote since).
    /// </summary>
    public async Task<DeskResult> IdleTimedOutAsync(string caseId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (
            await cases.GetAsync(caseId, cancellationToken) is not { State: CaseState.Agent, AgentId: { } agent } found
            || found.LastAgentAt + idle.Value.IdleTimeout > now
        )
        {
            return DeskResult.Refused(DeskRefusal.Conflict, "The agent is still working on it.");
        }

        var requeued = await conversations.UpdateAsync(
            found.Customer,
            record =>
            {
                if (Held(record, caseId) is not { } link)
                {
                    return false;
                }

                record.Owner = ConversationOwner.Queued;
                CustomerHandoff.Link.Set(record, link with { AgentId = null });
                return true;
            },
            cancellationToken
        );
        if (!requeued)
        {
            return DeskResult.Refused(DeskRefusal.Conflict, "The case moved on.");
        }

        var told = await SendAsync(found.Customer, HandoffText.AgentWentQuiet, cancellationToken);
        var after = await cases.UpdateAsync(
            caseId,
            c =>
                c.With(
                    new CaseEntry(
                        CaseEntryKind.System,
                        now,
                        $"{agent} 无响应，重新排队 / {agent} went quiet; back in the queue",
                        SentToCustomer: told
                    )
                ) with
                {
                    State = CaseState.Queued,
                    AgentId = null,
                },
            cancellationToken
        );
        return await DoneAsync(after!, CaseChange.Requeued, cancellationToken);
    }

    /// <summary>WeChat's room for replies in this case now.</summary>
    public async Task<ReplyWindow> WindowAsync(HandoffCase handoffCase, CancellationToken cancellationToken) =>
        Window(handoffCase, (await conversations.LoadAsync(handoffCase.Customer, cancellationToken)).Record);

    private ReplyWindow Window(HandoffCase handoffCase, ConversationRecord record)
    {
        if (record.LastUserMessageAt is not { } last)
        {
            return ReplyWindow.Never;
        }

        var closes = last + shop.Value.ServiceWindow;
        var used = handoffCase.Entries.Count(e => e.SentToCustomer && e.At >= last);
        var left = Math.Max(0, shop.Value.ServiceMessagesPerWindow - used);
        return new ReplyWindow(closes, left, time.GetUtcNow() < closes);
    }

    private async Task<(HandoffCase? Case, ConversationRecord? Record)> OwnedAsync(
        string caseId,
        string agent,
        CancellationToken cancellationToken
    )
    {
        if (await cases.GetAsync(caseId, cancellationToken) is not { } found)
        {
            return (null, null);
        }

        var record = (await conversations.LoadAsync(found.Customer, cancellationToken)).Record;
        return
            record.Owner == ConversationOwner.Agent
            && CustomerHandoff.Link.Get(record) is { } link
            && link.CaseId == caseId
            && link.AgentId == agent
            ? (found, record)
            : (null, null);
    }

    private async Task<DeskResult> NotOwnedAsync(string caseId, CancellationToken cancellationToken) =>
        await cases.GetAsync(caseId, cancellationToken) switch
        {
            null => DeskResult.Refused(DeskRefusal.NotFound, "No such case."),
            { State: CaseState.Closed } => DeskResult.Refused(DeskRefusal.Conflict, "This case is closed."),
            { State: CaseState.Queued } => DeskResult.Refused(DeskRefusal.Conflict, "Claim this chat first."),
            { AgentId: var other } => DeskResult.Refused(DeskRefusal.Conflict, $"{other} has this chat."),
        };

    private static DeskResult? Validate(string text) =>
        string.IsNullOrWhiteSpace(text) ? DeskResult.Refused(DeskRefusal.Invalid, "text is required.")
        : text.Length > MaxText ? DeskResult.Refused(DeskRefusal.Invalid, $"text must be at most {MaxText} characters.")
        : null;

    private async Task<bool> SendAsync(
        ConversationReference customer,
        string text,
        CancellationToken cancellationToken
    ) => (await messenger.SendAsync(customer, [Reply.FromText(text)], cancellationToken)).IsSent;

    private async Task<DeskResult> DoneAsync(HandoffCase after, CaseChange change, CancellationToken cancellationToken)
    {
        await publisher.Publish(new CaseChanged(after, change), cancellationToken);
        return DeskResult.Done(after);
    }

    // The conversation's link to this case while an agent (this one, when named) holds it; else null.
    private static HandoffLink? Held(ConversationRecord record, string caseId, string? agent = null) =>
        record.Owner == ConversationOwner.Agent
        && CustomerHandoff.Link.Get(record) is { } link
        && link.CaseId == caseId
        && (agent is null || link.AgentId == agent)
            ? link
            : null;
}
