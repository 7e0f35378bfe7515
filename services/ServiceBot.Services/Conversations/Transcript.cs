using System.Text;
using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// One line of the recent conversation: who said it, when (stored as Unix seconds), and what. A
/// customer's message that is not text (a photo, a voice note, a location) keeps its activity,
/// which names what the channel holds; a text line or a click is all in its words.
/// </summary>
public sealed record TranscriptLine(
    [property: JsonConverter(typeof(UnixSecondsJsonConverter))] DateTimeOffset At,
    bool FromUser,
    string Text,
    string? ActivityId = null);

/// <summary>
/// The last few lines between the customer and the bot, kept in the conversation document (no
/// extra storage request), so a person who takes over sees what the bot already said. It is the
/// larger part of an idle customer's stored state, so it has a budget: the latest lines whose words
/// fit in <see cref="MaxTextBytes"/>, at most <see cref="MaxLines"/>, a customer's line cut at
/// <see cref="MaxCustomerChars"/> characters and the bot's, which a person only needs the gist
/// of (its last replies are kept whole for retries anyway), at <see cref="MaxBotChars"/>.
/// </summary>
public static class Transcript
{
    public const int MaxLines = 8;
    public const int MaxCustomerChars = 100;
    public const int MaxBotChars = 60;
    public const int MaxTextBytes = 600;

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
        var all = Of(record).Concat(lines.Select(Cut)).ToList();
        var kept = 0;
        var bytes = 0;
        while (kept < all.Count && kept < MaxLines)
        {
            bytes += Encoding.UTF8.GetByteCount(all[^(kept + 1)].Text);
            if (bytes > MaxTextBytes && kept > 0)
            {
                break;
            }

            kept++;
        }

        Property.Set(record, all[^kept..]);
    }

    private static TranscriptLine Cut(TranscriptLine line)
    {
        var max = line.FromUser ? MaxCustomerChars : MaxBotChars;
        if (line.Text.Length <= max)
        {
            return line;
        }

        var end = char.IsHighSurrogate(line.Text[max - 2]) ? max - 2 : max - 1; // never half an emoji
        return line with { Text = line.Text[..end] + "…" };
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
        var lines = new List<TranscriptLine> { new(turn.Activity.Timestamp, true, Transcript.Describe(turn.Activity), turn.Activity is { Type: ActivityType.Message, Kind: not MessageKind.Text } ? turn.Activity.Id : null) };
        lines.AddRange(turn.Replies.Select(r => new TranscriptLine(now, false, r.Text ?? (r.Kind == ReplyKind.News ? string.Join(" / ", r.Cards.Select(c => c.Title)) : "[image]"))));
        Transcript.Append(turn.State, lines);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<TranscriptLine>))]
internal sealed partial class TranscriptJsonContext : JsonSerializerContext;
