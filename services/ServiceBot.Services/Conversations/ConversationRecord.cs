using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// Everything kept about one conversation, stored as one document so that a turn costs one read
/// and one conditional write. It also records which activities were handled: that conditional
/// write is the atomic claim that makes a channel retry a no-op.
/// </summary>
internal sealed class ConversationRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary><c>zh</c> or <c>en</c>: the language the user last wrote in.</summary>
    public string Locale { get; set; } = Locales.Chinese;

    /// <summary>When the user last did something (message or event), to the second.</summary>
    [JsonConverter(typeof(UnixSecondsJsonConverter))]
    public DateTimeOffset? LastUserActivityAt { get; set; }

    /// <summary>
    /// When the user last sent a message: WeChat's 48-hour customer-service window and its quota
    /// of 5 messages start here (menu clicks and follows open only a 1-minute window). Stored to
    /// the second, rounded down: the window is never taken to reach later than it does.
    /// </summary>
    [JsonConverter(typeof(UnixSecondsJsonConverter))]
    public DateTimeOffset? LastUserMessageAt { get; set; }

    public ConversationOwner Owner { get; set; } = ConversationOwner.Bot;

    /// <summary>Active dialogs, root first.</summary>
    public List<DialogFrame> DialogStack { get; set; } = [];

    /// <summary>Named, typed values read and written through <see cref="StateProperty{T}"/>.</summary>
    public StateProperties Properties { get; set; } = new();

    /// <summary>Recently handled activity ids (the de-duplication window).</summary>
    public List<HandledActivity> Handled { get; set; } = [];

    /// <summary>The answer to the most recent activity, replayed when the channel retries it.</summary>
    public RecordedReply? LastReply { get; set; }
}

/// <summary>Who answers the user: the bot, nobody yet (waiting for an agent), or an agent.</summary>
internal enum ConversationOwner
{
    Bot,
    Queued,
    Agent,
}

internal sealed record DialogFrame(string DialogId, JsonElement? State)
{
    /// <summary>A dialog just begun, with no state yet.</summary>
    public static DialogFrame Begun(string dialogId) => new(dialogId, null);
}

/// <summary>
/// An activity handled recently (<see cref="At"/> stored as Unix seconds). The replies of the one
/// before the newest (the newest's are in <see cref="ConversationRecord.LastReply"/>) are kept here
/// while the window remembers it, passive or to be pushed (<see cref="Deferred"/>): a retry of the
/// activity that races the customer's next message still knows what it answered, or what is owed.
/// </summary>
internal sealed record HandledActivity(
    string Id,
    [property: JsonConverter(typeof(UnixSecondsJsonConverter))] DateTimeOffset At,
    IReadOnlyList<Reply>? Replies = null,
    bool? Deferred = null
);

internal sealed record RecordedReply(string ActivityId, IReadOnlyList<Reply> Replies, ReplyDelivery Delivery);

/// <summary>How the channel delivered a turn's replies: in the HTTP answer, or later by push.</summary>
internal enum ReplyDelivery
{
    Passive,
    Deferred,
}
