using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

/// <summary>One line of the recent conversation: who said it, when, and what (photos by their activity).</summary>
public sealed record TranscriptLine(DateTimeOffset At, bool FromUser, string Text, string? ActivityId = null);

/// <summary>
/// The last few lines between the customer and the bot, kept in the conversation document (no
/// extra storage request), so a person who takes over sees what the bot already said.
/// </summary>
public static class Transcript
{
    public const int MaxLines = 8;
    public const int MaxChars = 100;

    public static StateProperty<List<TranscriptLine>> Property { get; } = new("transcript", TranscriptJsonContext.Default.ListTranscriptLine);

    public static IReadOnlyList<TranscriptLine> Of(ConversationRecord record) => Property.Get(record) ?? [];

    /// <summary>What the customer did, as a line of text: the words, or what kind of thing they sent.</summary>
    public static string Describe(Activity activity) => activity switch
    {
        { Text: { Length: > 0 } text } => text,
        { Kind: MessageKind.Image } => "[照片 / photo]",
        { Kind: MessageKind.Video } => "[视频 / video]",
        { Kind: MessageKind.Voice } => "[语音 / voice]",
        { Kind: MessageKind.Location, Location: var where } => $"[位置 / location] {where?.Label}",
        { Kind: MessageKind.Link, Link: var link } => $"[链接 / link] {link?.Title}",
        { Type: ActivityType.Event } => $"[{activity.EventName} {activity.EventKey}]".Replace(" ]", "]", StringComparison.Ordinal),
        _ => "[message]",
    };

    internal static void Append(ConversationRecord record, IEnumerable<TranscriptLine> lines)
    {
        var all = Of(record).Concat(lines.Select(l => l.Text.Length > MaxChars ? l with { Text = l.Text[..(MaxChars - 1)] + "…" } : l)).ToList();
        Property.Set(record, all.Count > MaxLines ? all[^MaxLines..] : all);
    }
}

/// <summary>Appends each handled turn (what the customer did, what the bot answered) to the transcript.</summary>
internal sealed class TranscriptMiddleware(TimeProvider time) : ITurnMiddleware
{
    public async Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken)
    {
        await following(turn, cancellationToken);
        if (turn.IsReplay || turn.Activity.IsEvent("unsubscribe") || turn.Activity.IsEvent("subscribe_msg_popup_event"))
        {
            return;
        }

        var now = time.GetUtcNow();
        var lines = new List<TranscriptLine> { new(turn.Activity.Timestamp, true, Transcript.Describe(turn.Activity), turn.Activity.Id) };
        lines.AddRange(turn.Replies.Select(r => new TranscriptLine(now, false, r.Text ?? (r.Kind == ReplyKind.News ? string.Join(" / ", r.Cards.Select(c => c.Title)) : "[image]"))));
        Transcript.Append(turn.State, lines);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<TranscriptLine>))]
internal sealed partial class TranscriptJsonContext : JsonSerializerContext;
