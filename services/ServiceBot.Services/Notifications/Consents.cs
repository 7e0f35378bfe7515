using System.Text.Json.Serialization;
using Mediator;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>The two kinds of notice a customer opts into separately.</summary>
internal enum NoticeTopic
{
    [JsonStringEnumMemberName("delivery")]
    Delivery,

    [JsonStringEnumMemberName("promotion")]
    Promotion,
}

/// <summary>Where a consent change came from.</summary>
internal enum ConsentSource
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

    /// <summary>The customer's data was erased (on request, or after unfollowing): nothing may be sent.</summary>
    [JsonStringEnumMemberName("erasure")]
    Erasure,
}

/// <summary>One change: opted in or out, when, from where, and the text the customer was shown.</summary>
internal sealed record ConsentChange(
    NoticeTopic Topic,
    bool OptedIn,
    DateTimeOffset At,
    ConsentSource Source,
    string Text
);

/// <summary>
/// One subscribe-message consent the customer granted in WeChat's popup: one notice of the topic
/// may go as a subscribe message. <see cref="SpentOn"/> names the notice key that used it.
/// </summary>
internal sealed record OneTimeConsent(NoticeTopic Topic, string TemplateId, DateTimeOffset At, string? SpentOn = null);

/// <summary>
/// A customer's consents: the latest change per topic is the current state; the history is the
/// proof. One-time consents are counted separately and spent one per subscribe message.
/// </summary>
internal sealed record Consents(IReadOnlyList<ConsentChange> History)
{
    private const int MaxOneTime = 50;

    public static Consents None { get; } = new([]);

    public IReadOnlyList<OneTimeConsent> OneTime { get; init; } = [];

    public ConsentChange? Latest(NoticeTopic topic) => History.LastOrDefault(c => c.Topic == topic);

    public bool IsOptedIn(NoticeTopic topic) => Latest(topic)?.OptedIn == true;

    /// <summary>
    /// Unspent one-time consents for the topic, counting one already spent on <paramref name="noticeKey"/> (its send is
    /// being retried).
    /// </summary>
    public int OneTimeAvailable(NoticeTopic topic, string? noticeKey = null) =>
        OneTime.Count(c => c.Topic == topic && (c.SpentOn is null || c.SpentOn == noticeKey));

    /// <summary>
    /// Adds a change; the history is append-only, the proof of every consent and withdrawal. Withdrawing a
    /// topic also voids its unspent one-time consents.
    /// </summary>
    public Consents With(ConsentChange change) =>
        new([.. History, change])
        {
            OneTime = change.OptedIn
                ? OneTime
                : [.. OneTime.Where(c => c.Topic != change.Topic || c.SpentOn is not null)],
        };

    /// <summary>Adds a one-time consent; spent ones fall off first beyond the limit.</summary>
    public Consents Grant(OneTimeConsent consent)
    {
        var all = OneTime.Append(consent).ToList();
        while (all.Count > MaxOneTime && all.FindIndex(c => c.SpentOn is not null) is var spent and >= 0)
        {
            all.RemoveAt(spent);
        }

        return this with
        {
            OneTime = [.. all.TakeLast(MaxOneTime)],
        };
    }

    /// <summary>
    /// Spends the oldest unspent one-time consent on <paramref name="noticeKey"/>; idempotent per key; null when none
    /// is left.
    /// </summary>
    public Consents? Spend(NoticeTopic topic, string noticeKey)
    {
        if (OneTime.Any(c => c.Topic == topic && c.SpentOn == noticeKey))
        {
            return this;
        }

        var index = OneTime.ToList().FindIndex(c => c.Topic == topic && c.SpentOn is null);
        return index < 0
            ? null
            : this with
            {
                OneTime = [.. OneTime.Select((c, i) => i == index ? c with { SpentOn = noticeKey } : c)],
            };
    }

    /// <summary>Gives back the consent spent on <paramref name="noticeKey"/> when its send did not go out.</summary>
    public Consents Refund(string noticeKey) =>
        this with
        {
            OneTime = [.. OneTime.Select(c => c.SpentOn == noticeKey ? c with { SpentOn = null } : c)],
        };

    /// <summary>
    /// Kept with the conversation, so a change is saved atomically with the turn that made it and
    /// costs no extra storage request.
    /// </summary>
    public static StateProperty<Consents> Property { get; } =
        new("consents", NotificationsJsonContext.Default.Consents);

    public static Consents Of(ConversationRecord record) => Property.Get(record) ?? None;

    /// <summary>
    /// Records changes made in a turn. An opt-in prepares <see cref="ConsentGranted"/> (the
    /// campaign index lists the customer before the consent is saved); a withdrawal raises
    /// <see cref="ConsentWithdrawn"/>, so what is already scheduled for those topics is cancelled
    /// once the turn is saved.
    /// </summary>
    public static void Record(TurnContext turn, params ConsentChange[] changes)
    {
        var consents = Of(turn.State);
        foreach (var change in changes)
        {
            consents = consents.With(change);
        }

        Property.Set(turn, consents);
        var granted = changes.Where(c => c.OptedIn).Select(c => c.Topic).Distinct().ToArray();
        if (granted.Length > 0)
        {
            turn.Prepare(new ConsentGranted(turn.Conversation, granted));
        }

        foreach (var change in changes)
        {
            turn.Raise(new ConsentChanged(turn.Conversation, change.Topic, change.OptedIn, OneTime: false, change.At));
        }

        var withdrawn = changes.Where(c => !c.OptedIn).Select(c => c.Topic).Distinct().ToArray();
        if (withdrawn.Length > 0)
        {
            turn.Raise(new ConsentWithdrawn(turn.Conversation, withdrawn, changes[0].Source, changes[0].At));
        }
    }
}

/// <summary>
/// A customer is about to be saved as consenting to some topics, standing or one-time (domain event, prepared before
/// the save).
/// </summary>
internal sealed record ConsentGranted(ConversationReference Customer, IReadOnlyList<NoticeTopic> Topics)
    : INotification;

/// <summary>A customer's consent to a topic changed (domain event, once saved): standing, or one-time.</summary>
internal sealed record ConsentChanged(
    ConversationReference Customer,
    NoticeTopic Topic,
    bool OptedIn,
    bool OneTime,
    DateTimeOffset At
) : INotification;

/// <summary>A customer withdrew consent for some topics (domain event): cancel what is scheduled for them.</summary>
internal sealed record ConsentWithdrawn(
    ConversationReference Customer,
    IReadOnlyList<NoticeTopic> Topics,
    ConsentSource Source,
    DateTimeOffset At
) : INotification;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Consents))]
[JsonSerializable(typeof(NotificationSettingsState))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
