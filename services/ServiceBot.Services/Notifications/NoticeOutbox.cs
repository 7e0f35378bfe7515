using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Notifications;

/// <summary>Where a notice's send stands: claimed and being sent, or accepted by the channel.</summary>
public enum OutboxState
{
    [JsonStringEnumMemberName("sending")]
    Sending,

    [JsonStringEnumMemberName("sent")]
    Sent,
}

/// <summary>The outbox's settings (<c>Notices:</c>).</summary>
public sealed class NoticeOutboxOptions
{
    public const string SectionName = "Notices";

    /// <summary>How long a claimed send is protected; after it, a claim never marked sent counts as cut off by a crash (and is not sent again).</summary>
    public TimeSpan ClaimLease { get; set; } = NoticeOutbox.DefaultLease;
}

internal sealed class NoticeOutboxOptionsValidator : IValidateOptions<NoticeOutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, NoticeOutboxOptions options) =>
        options.ClaimLease >= TimeSpan.FromSeconds(5) && options.ClaimLease <= TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Notices:ClaimLease must be between 00:00:05 and 01:00:00.");
}

/// <summary>The outbox entry of one notice key (<c>notice-claims/{channel}/{user}/{key}</c>).</summary>
/// <remarks><see cref="Attempt"/> is 1 since claims are never taken over; entries written before may say 2.</remarks>
public sealed record OutboxEntry(OutboxState State, DateTimeOffset Since, int Attempt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutboxEntry))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;

public enum OutboxVerdict
{
    /// <summary>This call claimed the key and the channel accepted the notice.</summary>
    Sent,

    /// <summary>The key was sent before: nothing was sent now.</summary>
    AlreadySent,

    /// <summary>Another attempt holds the key right now: look again at <see cref="OutboxResult.RetryAt"/>, when its lease runs out.</summary>
    InFlight,

    /// <summary>The channel did not take it; the claim is released so a later attempt may send it.</summary>
    NotSent,

    /// <summary>
    /// An earlier attempt claimed the key and never finished: its process stopped mid-send. The
    /// channel may have the notice (WeChat has no way to ask), so it is not sent again: at most once.
    /// </summary>
    CutOff,
}

/// <summary>What became of a send; <see cref="SentAt"/> is when it went (Sent, AlreadySent) or was claimed (CutOff).</summary>
public sealed record OutboxResult(OutboxVerdict Verdict, SendOutcome? Send = null, DateTimeOffset? RetryAt = null, DateTimeOffset? SentAt = null);

/// <summary>
/// Sends each notice key at most once, across retries, restarts and instances. Before the send, the
/// key's entry is created if absent as <c>sending</c>; after the channel accepts, it becomes
/// <c>sent</c>; if the channel does not take it, the entry is removed so a later attempt may send it.
/// An entry still <c>sending</c> after its lease belongs to a process that died mid-send: WeChat may
/// or may not have that notice and cannot be asked, so it is never sent again (<see cref="OutboxVerdict.CutOff"/>,
/// recorded as such). Resending would be at least once, a second copy whenever the crash fell
/// between WeChat's acceptance and the mark; the contract and the customer want at most once.
/// </summary>
public sealed class NoticeOutbox(IDocumentStore store, TimeProvider time, TimeSpan lease)
{
    /// <summary>How long a claim protects an attempt by default (<c>Notices:ClaimLease</c>).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(5);

    public NoticeOutbox(IDocumentStore store, TimeProvider time)
        : this(store, time, DefaultLease)
    {
    }

    /// <summary>How long a claim protects an attempt; a claim older than this was cut off by a crash.</summary>
    public TimeSpan Lease { get; } = lease > TimeSpan.Zero ? lease : throw new ArgumentOutOfRangeException(nameof(lease), lease, "The claim lease must be positive.");

    // A send is cut off well before its claim runs out, so no other attempt can take over while it runs.
    private TimeSpan SendTimeout => Lease / 2 < TimeSpan.FromMinutes(2) ? Lease / 2 : TimeSpan.FromMinutes(2);

    public async Task<OutboxResult> SendOnceAsync(
        ConversationReference customer, string noticeKey, Func<CancellationToken, Task<SendOutcome>> send, CancellationToken cancellationToken)
    {
        var key = KeyOf(customer, noticeKey);
        var now = time.GetUtcNow();
        const int Attempt = 1;
        if (await store.TryWriteAsync(key, Serialize(new OutboxEntry(OutboxState.Sending, now, Attempt)), WriteCondition.IfAbsent, cancellationToken) is null)
        {
            if (await store.ReadAsync(key, cancellationToken) is not { } document)
            {
                // Released between our write and our read: the next attempt will find it free.
                return new OutboxResult(OutboxVerdict.InFlight, RetryAt: now);
            }

            var entry = Deserialize(document);
            if (entry.State == OutboxState.Sent)
            {
                return new OutboxResult(OutboxVerdict.AlreadySent, SentAt: entry.Since);
            }

            return now < entry.Since + Lease
                ? new OutboxResult(OutboxVerdict.InFlight, RetryAt: entry.Since + Lease)
                : new OutboxResult(OutboxVerdict.CutOff, SentAt: entry.Since);
        }

        SendOutcome outcome;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(SendTimeout);
            try
            {
                outcome = await send(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = new SendOutcome(SendStatus.Unavailable, "timed out");
            }
        }

        if (!outcome.IsSent)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            return new OutboxResult(OutboxVerdict.NotSent, outcome);
        }

        // Marked even if the caller is shutting down: the channel has it, so it must never go again.
        var sentAt = time.GetUtcNow();
        await store.TryWriteAsync(key, Serialize(new OutboxEntry(OutboxState.Sent, sentAt, Attempt)), WriteCondition.None, CancellationToken.None);
        return new OutboxResult(OutboxVerdict.Sent, outcome, SentAt: sentAt);
    }

    /// <summary>The entry for a key, or null when it was never claimed (or released).</summary>
    public async Task<OutboxEntry?> GetAsync(ConversationReference customer, string noticeKey, CancellationToken cancellationToken) =>
        await store.ReadAsync(KeyOf(customer, noticeKey), cancellationToken) is { } document ? Deserialize(document) : null;

    private static byte[] Serialize(OutboxEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, OutboxJsonContext.Default.OutboxEntry);

    // Claims written before the outbox had states were empty documents, written only to send.
    private static OutboxEntry Deserialize(StoredDocument document) => document.Content.IsEmpty
        ? new OutboxEntry(OutboxState.Sent, DateTimeOffset.MinValue, 1)
        : JsonSerializer.Deserialize(document.Content.Span, OutboxJsonContext.Default.OutboxEntry)
            ?? throw new InvalidDataException("An outbox entry is stored as null.");

    // Notice keys are safe as they are; another caller's key (a channel's message id) is hashed when it is not.
    private static string KeyOf(ConversationReference customer, string noticeKey)
    {
        var segment = noticeKey.Replace('/', '_');
        return StorageKey.Join("notice-claims", customer.Channel, customer.UserId,
            StorageKey.IsSafeSegment(segment) ? segment : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(noticeKey))));
    }
}
