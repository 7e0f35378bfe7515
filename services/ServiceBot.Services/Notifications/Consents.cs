using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>The two kinds of notice a customer opts into separately.</summary>
public enum NoticeTopic
{
    [JsonStringEnumMemberName("delivery")]
    Delivery,

    [JsonStringEnumMemberName("promotion")]
    Promotion,
}

/// <summary>Where a consent change came from.</summary>
public enum ConsentSource
{
    [JsonStringEnumMemberName("dialog")]
    Dialog,

    [JsonStringEnumMemberName("menu")]
    Menu,

    [JsonStringEnumMemberName("keyword")]
    Keyword,

    [JsonStringEnumMemberName("popup")]
    Popup,

    [JsonStringEnumMemberName("unfollow")]
    Unfollow,
}

/// <summary>One change: opted in or out, when, from where, and the text the customer was shown.</summary>
public sealed record ConsentChange(NoticeTopic Topic, bool OptedIn, DateTimeOffset At, ConsentSource Source, string Text);

/// <summary>A customer's consents: the latest change per topic is the current state; the history is the proof.</summary>
public sealed record Consents(IReadOnlyList<ConsentChange> History)
{
    public static Consents None { get; } = new([]);

    public ConsentChange? Latest(NoticeTopic topic) => History.LastOrDefault(c => c.Topic == topic);

    public bool IsOptedIn(NoticeTopic topic) => Latest(topic)?.OptedIn == true;

    /// <summary>Adds a change; the oldest beyond <see cref="MaxHistory"/> fall off (the latest per topic always stays).</summary>
    public Consents With(ConsentChange change) => new([.. History.TakeLast(MaxHistory - 1), change]);

    public const int MaxHistory = 40;

    /// <summary>
    /// Kept with the conversation, so a change is saved atomically with the turn that made it and
    /// costs no extra storage request.
    /// </summary>
    public static StateProperty<Consents> Property { get; } = new("consents", NotificationsJsonContext.Default.Consents);

    public static Consents Of(ConversationRecord record) => Property.Get(record) ?? None;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Consents))]
[JsonSerializable(typeof(NotificationSettingsState))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
