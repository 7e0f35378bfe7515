using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// Reads and writes the stored conversation document by hand, in the very shape the generated
/// metadata gave it (the same names and order, nulls and empty cards left out, times as Unix
/// seconds, enums by name), so documents written before read the same. Every turn reads and writes
/// this document, and through the generated metadata it was the largest piece of a turn's CPU
/// (bench/results.md). A property this build does not know is skipped; a value of the wrong kind is
/// refused with a <see cref="JsonException"/>.
/// </summary>
internal sealed class ConversationRecordJsonConverter(StatePropertiesJsonConverter properties)
    : JsonConverter<ConversationRecord>
{
    public override ConversationRecord Read(
        ref Utf8JsonReader reader,
        Type typeToConvert,
        JsonSerializerOptions options
    )
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartObject, "A conversation");
        var record = new ConversationRecord();
        while (StoredJson.NextProperty(ref reader))
        {
            if (StoredJson.IsProperty(ref reader, "schemaVersion"u8))
            {
                StoredJson.Expect(ref reader, JsonTokenType.Number, "schemaVersion");
                record.SchemaVersion = reader.GetInt32();
            }
            else if (StoredJson.IsProperty(ref reader, "locale"u8))
            {
                record.Locale = StoredJson.ReadString(ref reader, "locale");
            }
            else if (StoredJson.IsProperty(ref reader, "lastUserActivityAt"u8))
            {
                record.LastUserActivityAt = StoredJson.ReadOptionalTime(ref reader);
            }
            else if (StoredJson.IsProperty(ref reader, "lastUserMessageAt"u8))
            {
                record.LastUserMessageAt = StoredJson.ReadOptionalTime(ref reader);
            }
            else if (StoredJson.IsProperty(ref reader, "owner"u8))
            {
                record.Owner = StoredJson.ReadEnum<ConversationOwner>(ref reader, "owner");
            }
            else if (StoredJson.IsProperty(ref reader, "dialogStack"u8))
            {
                record.DialogStack = ReadDialogStack(ref reader);
            }
            else if (StoredJson.IsProperty(ref reader, "properties"u8))
            {
                record.Properties = properties.Read(ref reader, typeof(StateProperties), options);
            }
            else if (StoredJson.IsProperty(ref reader, "handled"u8))
            {
                record.Handled = ReadHandled(ref reader, options);
            }
            else if (StoredJson.IsProperty(ref reader, "lastReply"u8))
            {
                record.LastReply =
                    reader.TokenType == JsonTokenType.Null ? null : ReadRecordedReply(ref reader, options);
            }
            else
            {
                StoredJson.SkipProperty(ref reader);
            }
        }

        return record;
    }

    public override void Write(Utf8JsonWriter writer, ConversationRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion"u8, value.SchemaVersion);
        writer.WriteString("locale"u8, value.Locale);
        if (value.LastUserActivityAt is { } activityAt)
        {
            writer.WriteNumber("lastUserActivityAt"u8, activityAt.ToUnixTimeSeconds());
        }

        if (value.LastUserMessageAt is { } messageAt)
        {
            writer.WriteNumber("lastUserMessageAt"u8, messageAt.ToUnixTimeSeconds());
        }

        writer.WriteString("owner"u8, value.Owner.ToString());
        writer.WriteStartArray("dialogStack"u8);
        foreach (var frame in value.DialogStack)
        {
            writer.WriteStartObject();
            writer.WriteString("dialogId"u8, frame.DialogId);
            if (frame.State is { } state)
            {
                writer.WritePropertyName("state"u8);
                state.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("properties"u8);
        properties.Write(writer, value.Properties, options);
        writer.WriteStartArray("handled"u8);
        foreach (var handled in value.Handled)
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, handled.Id);
            writer.WriteNumber("at"u8, handled.At.ToUnixTimeSeconds());
            if (handled.Replies is { } replies)
            {
                WriteReplies(writer, replies, options);
            }

            if (handled.Deferred is { } deferred)
            {
                writer.WriteBoolean("deferred"u8, deferred);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (value.LastReply is { } last)
        {
            writer.WriteStartObject("lastReply"u8);
            writer.WriteString("activityId"u8, last.ActivityId);
            WriteReplies(writer, last.Replies, options);
            writer.WriteString("delivery"u8, last.Delivery.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static List<DialogFrame> ReadDialogStack(ref Utf8JsonReader reader)
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartArray, "dialogStack");
        var stack = new List<DialogFrame>();
        while (StoredJson.NextItem(ref reader))
        {
            StoredJson.Expect(ref reader, JsonTokenType.StartObject, "A dialog of the stack");
            string? id = null;
            JsonElement? state = null;
            while (StoredJson.NextProperty(ref reader))
            {
                if (StoredJson.IsProperty(ref reader, "dialogId"u8))
                {
                    id = StoredJson.ReadString(ref reader, "dialogId");
                }
                else if (StoredJson.IsProperty(ref reader, "state"u8))
                {
                    state = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
                }
                else
                {
                    StoredJson.SkipProperty(ref reader);
                }
            }

            stack.Add(new DialogFrame(id ?? throw new JsonException("A dialog of the stack has no dialogId."), state));
        }

        return stack;
    }

    private static List<HandledActivity> ReadHandled(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartArray, "handled");
        var handled = new List<HandledActivity>();
        while (StoredJson.NextItem(ref reader))
        {
            StoredJson.Expect(ref reader, JsonTokenType.StartObject, "A handled activity");
            string? id = null;
            DateTimeOffset? at = null;
            IReadOnlyList<Reply>? replies = null;
            bool? deferred = null;
            while (StoredJson.NextProperty(ref reader))
            {
                if (StoredJson.IsProperty(ref reader, "id"u8))
                {
                    id = StoredJson.ReadString(ref reader, "A handled activity's id");
                }
                else if (StoredJson.IsProperty(ref reader, "at"u8))
                {
                    at = UnixSecondsJsonConverter.ReadTime(ref reader);
                }
                else if (StoredJson.IsProperty(ref reader, "replies"u8))
                {
                    replies = reader.TokenType == JsonTokenType.Null ? null : ReadReplies(ref reader, options);
                }
                else if (StoredJson.IsProperty(ref reader, "deferred"u8))
                {
                    deferred =
                        reader.TokenType == JsonTokenType.Null ? null : StoredJson.ReadBoolean(ref reader, "deferred");
                }
                else
                {
                    StoredJson.SkipProperty(ref reader);
                }
            }

            handled.Add(
                new HandledActivity(
                    id ?? throw new JsonException("A handled activity has no id."),
                    at ?? throw new JsonException($"The handled activity {id} has no time."),
                    replies,
                    deferred
                )
            );
        }

        return handled;
    }

    private static RecordedReply ReadRecordedReply(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartObject, "lastReply");
        string? activityId = null;
        IReadOnlyList<Reply>? replies = null;
        var delivery = ReplyDelivery.Passive;
        while (StoredJson.NextProperty(ref reader))
        {
            if (StoredJson.IsProperty(ref reader, "activityId"u8))
            {
                activityId = StoredJson.ReadString(ref reader, "lastReply's activityId");
            }
            else if (StoredJson.IsProperty(ref reader, "replies"u8))
            {
                replies = ReadReplies(ref reader, options);
            }
            else if (StoredJson.IsProperty(ref reader, "delivery"u8))
            {
                delivery = StoredJson.ReadEnum<ReplyDelivery>(ref reader, "delivery");
            }
            else
            {
                StoredJson.SkipProperty(ref reader);
            }
        }

        return new RecordedReply(
            activityId ?? throw new JsonException("lastReply has no activityId."),
            replies ?? throw new JsonException($"lastReply of {activityId} has no replies."),
            delivery
        );
    }

    private static List<Reply> ReadReplies(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        StoredJson.Expect(ref reader, JsonTokenType.StartArray, "replies");
        var replies = new List<Reply>();
        while (StoredJson.NextItem(ref reader))
        {
            StoredJson.Expect(ref reader, JsonTokenType.StartObject, "A reply");
            ReplyKind? kind = null;
            string? text = null;
            string? mediaId = null;
            IReadOnlyList<Card>? cards = null;
            while (StoredJson.NextProperty(ref reader))
            {
                if (StoredJson.IsProperty(ref reader, "kind"u8))
                {
                    kind = StoredJson.ReadEnum<ReplyKind>(ref reader, "A reply's kind");
                }
                else if (StoredJson.IsProperty(ref reader, "text"u8))
                {
                    text = StoredJson.ReadOptionalString(ref reader, "A reply's text");
                }
                else if (StoredJson.IsProperty(ref reader, "mediaId"u8))
                {
                    mediaId = StoredJson.ReadOptionalString(ref reader, "A reply's mediaId");
                }
                else if (StoredJson.IsProperty(ref reader, "cards"u8))
                {
                    // Rare (news replies): read by the generated metadata.
                    cards =
                        reader.TokenType == JsonTokenType.Null
                            ? null
                            : JsonSerializer.Deserialize(ref reader, CardsOf(options));
                }
                else
                {
                    StoredJson.SkipProperty(ref reader);
                }
            }

            replies.Add(
                new Reply
                {
                    Kind = kind ?? throw new JsonException("A reply has no kind."),
                    Text = text,
                    MediaId = mediaId,
                    Cards = cards ?? [],
                }
            );
        }

        return replies;
    }

    private static void WriteReplies(Utf8JsonWriter writer, IReadOnlyList<Reply> replies, JsonSerializerOptions options)
    {
        writer.WriteStartArray("replies"u8);
        foreach (var reply in replies)
        {
            writer.WriteStartObject();
            writer.WriteString("kind"u8, reply.Kind.ToString());
            if (reply.Text is { } text)
            {
                writer.WriteString("text"u8, text);
            }

            if (reply.MediaId is { } mediaId)
            {
                writer.WriteString("mediaId"u8, mediaId);
            }

            if (reply.Cards is { Count: > 0 } cards)
            {
                writer.WritePropertyName("cards"u8);
                JsonSerializer.Serialize(writer, cards, CardsOf(options));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static JsonTypeInfo<IReadOnlyList<Card>> CardsOf(JsonSerializerOptions options) =>
        (JsonTypeInfo<IReadOnlyList<Card>>)options.GetTypeInfo(typeof(IReadOnlyList<Card>));
}
