using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>
/// Sends each notice key at most once, across retries, restarts and instances. Before a try, the
/// key's entry is claimed (created if absent, or taken over from <c>released</c> by ETag) as
/// <c>sending</c>; when the channel takes every part it becomes <c>sent</c>. When the channel
/// says it did not take a part (busy, down, refused), the claim is let go, removed or kept as
/// <c>released</c> with the parts already taken, and a busy channel is tried again
/// (<see cref="SendRetry"/>) with a fresh claim: nothing is held while waiting, so a crash between
/// tries cuts nothing off. What cannot be known is left alone for good: a part that went out with
/// no answer (<c>unanswered</c>), and an entry still <c>sending</c> after its lease, whose process
/// died mid-send (<see cref="OutboxVerdict.CutOff"/>). WeChat may have either and cannot be asked,
/// so neither is sent again; resending would be at least once, and the contract and the customer
/// want at most once. Both are recorded, so the merchant sees them.
/// </summary>
internal sealed class SendOnceOutbox(IDocumentStore store, TimeProvider time, TimeSpan lease, SendRetry retry)
{
    /// <summary>How long a claim protects an attempt by default (<c>Notices:ClaimLease</c>).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(5);

    // What a try returns when another attempt settled the key meanwhile: not transient, so no retry.
    private static readonly SendOutcome Settled = new(SendStatus.Failed, "settled by another attempt");

    // Claims this process wrote, or tried to write, and sent nothing under: a claim write the store
    // took but failed to confirm (it timed out, or stopped mid-request) is this process's to take over
    // on the next try, instead of blocking the key until the lease runs out and cutting it off.
    private readonly ConcurrentDictionary<(string Key, string Claim), bool> _unsentClaims = new();

    /// <summary>With the default lease and no retry: each call makes one try.</summary>
    public SendOnceOutbox(IDocumentStore store, TimeProvider time)
        : this(store, time, DefaultLease, SendRetry.None) { }

    /// <summary>How long a claim protects an attempt; a claim older than this was cut off by a crash.</summary>
    public TimeSpan Lease { get; } =
        lease > TimeSpan.Zero
            ? lease
            : throw new ArgumentOutOfRangeException(nameof(lease), lease, "The claim lease must be positive.");

    // A send is cut off well before its claim runs out, so no other attempt can take over while it runs.
    private TimeSpan SendTimeout => Lease / 2 < TimeSpan.FromMinutes(2) ? Lease / 2 : TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sends the key's notice unless it was sent (or may have been) before. <paramref name="send"/>
    /// gets how many parts the channel already took, and sends the rest.
    /// </summary>
    public async Task<OutboxResult> SendOnceAsync(
        ConversationReference customer,
        string noticeKey,
        Func<int, CancellationToken, Task<SendOutcome>> send,
        CancellationToken cancellationToken
    )
    {
        var key = KeyOf(customer, noticeKey);
        OutboxResult? settled = null;
        var delivered = 0;
        var outcome = await retry.RunAsync(
            async token =>
            {
                var claim = await ClaimAsync(key, token);
                if (claim.Settled is { } other)
                {
                    settled = other;
                    return Settled;
                }

                delivered = claim.Delivered;
                var tried = await TryAsync(send, delivered, token);
                if (tried.IsSent)
                {
                    // Marked even if the caller is shutting down: the channel has it, so it must never go again.
                    var sentAt = time.GetUtcNow();
                    await SettleAsync(key, new OutboxEntry(OutboxState.Sent, sentAt, 1));
                    settled = new OutboxResult(OutboxVerdict.Sent, tried, SentAt: sentAt);
                    return tried;
                }

                var before = delivered;
                delivered += tried.Delivered;
                if (tried.Status == SendStatus.Unanswered)
                {
                    var at = time.GetUtcNow();
                    await SettleAsync(key, new OutboxEntry(OutboxState.Unanswered, at, 1, delivered));
                    settled = new OutboxResult(
                        OutboxVerdict.Unanswered,
                        tried with
                        {
                            Delivered = delivered,
                        },
                        SentAt: at
                    );
                    return tried;
                }

                await ReleaseAsync(key, delivered, before == delivered ? claim.Id : null);
                return tried;
            },
            cancellationToken
        );
        return settled ?? new OutboxResult(OutboxVerdict.NotSent, outcome with { Delivered = delivered });
    }

    /// <summary>The entry for a key, or null when it was never claimed (or released with nothing taken).</summary>
    public async Task<OutboxEntry?> GetAsync(
        ConversationReference customer,
        string noticeKey,
        CancellationToken cancellationToken
    ) =>
        await store.ReadAsync(KeyOf(customer, noticeKey), cancellationToken) is { } document
            ? Deserialize(document)
            : null;

    // Claims the key for one try: (parts already taken, null), or (0, why this attempt must not send).
    private async Task<(int Delivered, OutboxResult? Settled, string Id)> ClaimAsync(
        string key,
        CancellationToken cancellationToken
    )
    {
        var now = time.GetUtcNow();
        var claimId = Guid.NewGuid().ToString("N");
        if (
            await WriteClaimAsync(
                key,
                new OutboxEntry(OutboxState.Sending, now, 1, Claim: claimId),
                WriteCondition.IfAbsent,
                cancellationToken
            )
        )
        {
            return (0, null, claimId);
        }

        if (await store.ReadAsync(key, cancellationToken) is not { } document)
        {
            // Released between our write and our read: the next attempt will find it free.
            return (0, new OutboxResult(OutboxVerdict.InFlight, RetryAt: now), claimId);
        }

        var entry = Deserialize(document);
        switch (entry.State)
        {
            case OutboxState.Sent:
                return (0, new OutboxResult(OutboxVerdict.AlreadySent, SentAt: entry.Since), claimId);
            case OutboxState.Unanswered:
                return (0, new OutboxResult(OutboxVerdict.Unanswered, SentAt: entry.Since), claimId);
            case OutboxState.Released:
            case OutboxState.Sending when entry.Claim is not null && _unsentClaims.TryRemove((key, entry.Claim), out _):
                // Free again, or this process's own claim that nothing was sent under: take it by ETag.
                var taken = new OutboxEntry(OutboxState.Sending, now, 1, entry.Delivered, claimId);
                return await WriteClaimAsync(key, taken, WriteCondition.IfMatch(document.ETag), cancellationToken)
                    ? (entry.Delivered, null, claimId)
                    : (0, new OutboxResult(OutboxVerdict.InFlight, RetryAt: now), claimId);
            default:
                return now < entry.Since + Lease
                    ? (0, new OutboxResult(OutboxVerdict.InFlight, RetryAt: entry.Since + Lease), claimId)
                    : (0, new OutboxResult(OutboxVerdict.CutOff, SentAt: entry.Since), claimId);
        }
    }

    // A claim write the store may have taken without saying so is remembered as this process's, unsent.
    private async Task<bool> WriteClaimAsync(
        string key,
        OutboxEntry claim,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await store.TryWriteAsync(key, Serialize(claim), condition, cancellationToken) is not null;
        }
        catch
        {
            _unsentClaims[(key, claim.Claim!)] = true;
            throw;
        }
    }

    // One try, cut short before the claim's lease could run out. A try cut short went out with no
    // answer as far as anyone can tell: the channel may have it.
    private async Task<SendOutcome> TryAsync(
        Func<int, CancellationToken, Task<SendOutcome>> send,
        int delivered,
        CancellationToken cancellationToken
    )
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(SendTimeout);
        try
        {
            return await send(delivered, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(SendStatus.Unanswered, $"no answer within {SendTimeout.TotalSeconds:0} s");
        }
    }

    // Lets go of the claim: removed when nothing was taken, else kept with the parts that were. When
    // the store fails to let go and this try took nothing (unsent, given), the claim is this process's
    // to take back on its next try rather than cut off when its lease runs out.
    private async Task ReleaseAsync(string key, int delivered, string? unsent)
    {
        try
        {
            if (delivered == 0)
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            else
            {
                await WriteAsync(
                    key,
                    new OutboxEntry(OutboxState.Released, time.GetUtcNow(), 1, delivered),
                    CancellationToken.None
                );
            }
        }
        catch (StorageUnavailableException) when (unsent is not null)
        {
            _unsentClaims[(key, unsent)] = true;
            throw;
        }
    }

    // Records what became of a send that is over for good. The send stands even when the store fails to
    // record it: an entry left "sending" is never sent again (it turns into cut off after its lease), so
    // the failure costs the word, not a second copy, and the caller hears what really happened.
    private async Task SettleAsync(string key, OutboxEntry entry)
    {
        try
        {
            await WriteAsync(key, entry, CancellationToken.None);
        }
        catch (StorageUnavailableException)
        {
            // Left as "sending": see above.
        }
    }

    private Task<string?> WriteAsync(string key, OutboxEntry entry, CancellationToken cancellationToken) =>
        store.TryWriteAsync(key, Serialize(entry), WriteCondition.None, cancellationToken);

    private static byte[] Serialize(OutboxEntry entry) =>
        JsonSerializer.SerializeToUtf8Bytes(entry, OutboxJsonContext.Default.OutboxEntry);

    // Claims written before the outbox had states were empty documents, written only to send.
    private static OutboxEntry Deserialize(StoredDocument document) =>
        document.Content.IsEmpty
            ? new OutboxEntry(OutboxState.Sent, DateTimeOffset.MinValue, 1)
            : JsonSerializer.Deserialize(document.Content.Span, OutboxJsonContext.Default.OutboxEntry)
                ?? throw new InvalidDataException("An outbox entry is stored as null.");

    // Notice keys are safe as they are; another caller's key (a channel's message id) is hashed when it is not.
    private static string KeyOf(ConversationReference customer, string noticeKey)
    {
        var segment = noticeKey.Replace('/', '_');
        return StorageKey.Join(
            "notice-claims",
            customer.Channel,
            customer.UserId,
            StorageKey.IsSafeSegment(segment)
                ? segment
                : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(noticeKey)))
        );
    }
}
