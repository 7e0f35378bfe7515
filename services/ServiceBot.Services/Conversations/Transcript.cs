using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// One line of the recent conversation: who said it, when (stored as Unix seconds), and what. A
/// customer's message that is not text (a photo, a voice note, a location) keeps its activity,
/// which names what the channel holds; a text line or a click is all in its words.
/// </summary>
internal sealed record TranscriptLine(
    [property: JsonConverter(typeof(UnixSecondsJsonConverter))] DateTimeOffset At,
    bool FromUser,
    string Text,
    string? ActivityId = null
);

/// <summary>
/// The last few lines between the customer and the bot, kept in the conversation document (no
/// extra storage request), so a person who takes over sees what the bot already said. It is the
/// larger part of an idle customer's stored state, so it has a budget: the latest lines whose words
/// fit in <see cref="MaxTextBytes"/>, at most <see cref="MaxLines"/>, a customer's line cut at
/// <see cref="MaxCustomerChars"/> characters and the bot's, which a person only needs the gist
/// of (its last replies are kept whole for retries anyway), at <see cref="MaxBotChars"/>.
/// </summary>
internal static class Transcript
{
    public const int MaxLines = 8;
    public const int MaxCustomerChars = 100;
    public const int MaxBotChars = 60;
    public const int MaxTextBytes = 600;

    public static StateProperty<List<TranscriptLine>> Property { get; } =
        new("transcript", TranscriptLinesJsonConverter.TypeInfo);

    public static IReadOnlyList<TranscriptLine> Of(ConversationRecord record) => Property.Get(record) ?? [];

    /// <summary>What the customer did, as a line of text: the words, or what kind of thing they sent.</summary>
    public static string Describe(Activity activity) =>
        activity switch
        {
            { Text: { Length: > 0 } text } => text,
            { Kind: MessageKind.Image } => "[照片 / photo]",
            { Kind: MessageKind.Video } => "[视频 / video]",
            { Kind: MessageKind.Voice } => "[语音 / voice]",
            { Kind: MessageKind.Location, Location: var where } => $"[位置 / location] {where?.Label}",
            { Kind: MessageKind.Link, Link: var link } => $"[链接 / link] {link?.Title}",
            { Type: ActivityType.Event } => $"[{activity.EventName} {activity.EventKey}]".Replace(
                " ]",
                "]",
                StringComparison.Ordinal
            ),
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
        var lines = new List<TranscriptLine>
        {
            new(
                turn.Activity.Timestamp,
                true,
                Transcript.Describe(turn.Activity),
                turn.Activity is { Type: ActivityType.Message, Kind: not MessageKind.Text } ? turn.Activity.Id : null
            ),
        };
        lines.AddRange(
            turn.Replies.Select(r => new TranscriptLine(
                now,
                false,
                r.Text ?? (r.Kind == ReplyKind.News ? string.Join(" / ", r.Cards.Select(c => c.Title)) : "[image]")
            ))
        );
        Transcript.Append(turn.State, lines);
    }
}

/// <summary>
/// The transcript as stored, read and written by hand (every turn does both): camel-case names, a
/// line's activity id left out when it has none, times as Unix seconds (older ISO times read).
/// Through the generated metadata each line was read through the record's constructor.
/// </summary>
internal sealed class TranscriptLinesJsonConverter : HandWrittenJsonConverter<List<TranscriptLine>>
{
    public static JsonTypeInfo<List<TranscriptLine>> TypeInfo { get; } =
        (JsonTypeInfo<List<TranscriptLine>>)
            new JsonSerializerOptions
            {
                Converters = { new TranscriptLinesJsonConverter() },
                TypeInfoResolver = TranscriptJsonContext.Default,
            }.GetTypeInfo(typeof(List<TranscriptLine>));

    public override List<TranscriptLine> Read(
        ref Utf8JsonReader reader,
        Type typeToConvert,
        JsonSerializerOptions options
    )
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartArray, "The transcript");
        var lines = new List<TranscriptLine>();
        while (StoredJson.NextItem(ref reader))
        {
            StoredJson.Expect(ref reader, JsonTokenType.StartObject, "A line of the transcript");
            DateTimeOffset? at = null;
            bool? fromUser = null;
            string? text = null;
            string? activityId = null;
            while (StoredJson.NextProperty(ref reader))
            {
                if (StoredJson.IsProperty(ref reader, "at"u8))
                {
                    at = UnixSecondsJsonConverter.ReadTime(ref reader);
                }
                else if (StoredJson.IsProperty(ref reader, "fromUser"u8))
                {
                    fromUser = StoredJson.ReadBoolean(ref reader, "A line's fromUser");
                }
                else if (StoredJson.IsProperty(ref reader, "text"u8))
                {
                    text = StoredJson.ReadString(ref reader, "A line's text");
                }
                else if (StoredJson.IsProperty(ref reader, "activityId"u8))
                {
                    activityId = StoredJson.ReadOptionalString(ref reader, "A line's activityId");
                }
                else
                {
                    StoredJson.SkipProperty(ref reader);
                }
            }

            lines.Add(
                new TranscriptLine(
                    at ?? throw new JsonException("A line of the transcript has no time."),
                    fromUser ?? throw new JsonException("A line of the transcript does not say who wrote it."),
                    text ?? throw new JsonException("A line of the transcript has no text."),
                    activityId
                )
            );
        }

        return lines;
    }

    public override void Write(Utf8JsonWriter writer, List<TranscriptLine> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var line in value)
        {
            writer.WriteStartObject();
            writer.WriteNumber("at"u8, line.At.ToUnixTimeSeconds());
            writer.WriteBoolean("fromUser"u8, line.FromUser);
            writer.WriteString("text"u8, line.Text);
            if (line.ActivityId is { } activityId)
            {
                writer.WriteString("activityId"u8, activityId);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// Metadata for the list type itself; its items are read and written by <see cref="TranscriptLinesJsonConverter"/>.
/// </summary>
[JsonSerializable(typeof(List<TranscriptLine>))]
internal sealed partial class TranscriptJsonContext : JsonSerializerContext;
