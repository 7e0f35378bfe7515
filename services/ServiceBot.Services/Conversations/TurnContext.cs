using Mediator;

namespace ServiceBot.Services.Conversations;

/// <summary>One turn: the activity that came in, the conversation's state, and the replies so far.</summary>
internal sealed class TurnContext(Activity activity, TurnDelivery delivery)
{
    private readonly List<Reply> _replies = [];
    private readonly List<INotification> _events = [];
    private readonly List<INotification> _preparations = [];

    public Activity Activity { get; } = activity;

    public ConversationReference Conversation => Activity.Conversation;

    /// <summary>The conversation's record, loaded before the dialog runs and saved after.</summary>
    public ConversationRecord State { get; private set; } = new();

    public string Locale => State.Locale;

    public bool IsEnglish => Locales.IsEnglish(State.Locale);

    public TurnDelivery Delivery { get; } = delivery;

    public IReadOnlyList<Reply> Replies => _replies;

    /// <summary>True when this activity was handled before and the recorded replies were replayed.</summary>
    public bool IsReplay { get; private set; }

    /// <summary>
    /// On a replay: the replies recorded for this activity that were to be pushed (its first handling
    /// ran past the reply budget). Whoever answered that handling "success" still owes the push.
    /// </summary>
    public IReadOnlyList<Reply> OwedReplies { get; private set; } = [];

    /// <summary>Domain events this turn raised; published once its state is saved.</summary>
    public IReadOnlyList<INotification> Events => _events;

    /// <summary>Domain events to publish before the turn's state is saved.</summary>
    public IReadOnlyList<INotification> Preparations => _preparations;

    public void Send(Reply reply) => _replies.Add(reply);

    /// <summary>
    /// Publishes a domain event before the turn's state is saved, for what must exist before the
    /// state that relies on it (an index entry): a crash in between leaves something extra, never
    /// something missing. Its handlers must be idempotent: a re-run turn prepares again.
    /// </summary>
    public void Prepare(INotification domainEvent) => _preparations.Add(domainEvent);

    /// <summary>
    /// Raises a domain event, published only after the turn's state is saved (a turn re-run after
    /// a lost save race raises it again on the fresh record, and only the saved run publishes).
    /// </summary>
    public void Raise(INotification domainEvent) => _events.Add(domainEvent);

    public void SendText(string text) => _replies.Add(Reply.FromText(text));

    /// <summary>Chinese or English text, by the user's language.</summary>
    public void SendText(string chinese, string english) => SendText(IsEnglish ? english : chinese);

    /// <summary>Starts (or, after a lost save race, restarts) the turn on a freshly loaded record.</summary>
    internal void Begin(ConversationRecord state)
    {
        State = state;
        _replies.Clear();
        _events.Clear();
        _preparations.Clear();
        IsReplay = false;
        OwedReplies = [];
    }

    internal void Replay(IReadOnlyList<Reply> replies, IReadOnlyList<Reply> owed)
    {
        _replies.Clear();
        _events.Clear();
        _preparations.Clear();
        _replies.AddRange(replies);
        IsReplay = true;
        OwedReplies = owed;
    }
}

/// <summary>
/// Shared between the channel and the turn: the channel marks it deferred when its reply budget
/// runs out, so the turn records that its replies went out by push rather than in the answer; the
/// turn notes the replies of a save the store may have taken without saying so.
/// </summary>
internal sealed class TurnDelivery
{
    private int _deferred;
    private IReadOnlyList<Reply>? _unconfirmed;

    public static TurnDelivery Passive => new();

    public bool IsDeferred => Volatile.Read(ref _deferred) == 1;

    /// <summary>
    /// The replies of a save that failed without an answer (the store stopped mid-request): it may
    /// have been stored. A later run that finds the turn handled, with its replies no longer kept
    /// (later messages moved them out), owes these.
    /// </summary>
    public IReadOnlyList<Reply>? UnconfirmedReplies => Volatile.Read(ref _unconfirmed);

    public void MarkDeferred() => Interlocked.Exchange(ref _deferred, 1);

    internal void SaveUnconfirmed(IReadOnlyList<Reply> replies) => Volatile.Write(ref _unconfirmed, replies);
}
