using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>Where a send stands.</summary>
internal enum OutboxState
{
    /// <summary>Claimed: an attempt is sending it now (or its process stopped mid-send).</summary>
    [JsonStringEnumMemberName("sending")]
    Sending,

    /// <summary>The channel took every part.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>
    /// The channel did not take the rest (<see cref="OutboxEntry.Delivered"/> parts went); free for a later attempt,
    /// which sends only the rest.
    /// </summary>
    [JsonStringEnumMemberName("released")]
    Released,

    /// <summary>A part went out and no answer came back: the channel may have it, so it is never sent again.</summary>
    [JsonStringEnumMemberName("unanswered")]
    Unanswered,
}

/// <summary>
/// The outbox entry of one key (<c>notice-claims/{channel}/{user}/{key}</c>); <see cref="Delivered"/> counts the parts
/// the channel took.
/// </summary>
/// <remarks><see cref="Attempt"/> is 1 since claims are never taken over; entries written before may say 2.</remarks>
/// <remarks><see cref="Claim"/> names the try that wrote a <c>sending</c> entry, so that the process can tell its own
/// claim, written while the store answered badly, from another's.</remarks>
internal sealed record OutboxEntry(
    OutboxState State,
    DateTimeOffset Since,
    int Attempt,
    int Delivered = 0,
    string? Claim = null
);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutboxEntry))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;

internal enum OutboxVerdict
{
    /// <summary>This call claimed the key and the channel took the notice.</summary>
    Sent,

    /// <summary>The key was sent before: nothing was sent now.</summary>
    AlreadySent,

    /// <summary>
    /// Another attempt holds the key right now: look again at <see cref="OutboxResult.RetryAt"/>, when its lease runs
    /// out.
    /// </summary>
    InFlight,

    /// <summary>
    /// The channel did not take it (after the retries); the claim is released so a later attempt may send the rest.
    /// </summary>
    NotSent,

    /// <summary>
    /// An earlier attempt claimed the key and never finished: its process stopped mid-send. The
    /// channel may have the notice (WeChat has no way to ask), so it is not sent again: at most once.
    /// </summary>
    CutOff,

    /// <summary>
    /// A send went out and the channel never answered (timed out, or the connection broke): it may
    /// have the notice, so it is not sent again: at most once. <see cref="OutboxResult.Send"/> says what happened when
    /// it was this call's.
    /// </summary>
    Unanswered,
}

/// <summary>
/// What became of a send; <see cref="SentAt"/> is when it went (Sent, AlreadySent), was claimed (CutOff) or went
/// unanswered.
/// </summary>
internal sealed record OutboxResult(
    OutboxVerdict Verdict,
    SendOutcome? Send = null,
    DateTimeOffset? RetryAt = null,
    DateTimeOffset? SentAt = null
);
