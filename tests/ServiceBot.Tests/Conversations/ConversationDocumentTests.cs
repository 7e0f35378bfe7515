using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Conversations;

/// <summary>
/// The stored conversation is read and written by hand (ConversationRecordJsonConverter, the
/// transcript's converter). Documents already stored were written by System.Text.Json's generated
/// metadata: the hand-written code must write the very same bytes and read them back the same.
/// </summary>
public sealed class ConversationDocumentTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    // How the document was written before the hand-written converters: the generated metadata,
    // enums by name, nulls left out, a reply's empty cards left out, UTF-8 text.
    private static readonly JsonTypeInfo<ConversationRecord> Generated =
        (JsonTypeInfo<ConversationRecord>)
            new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                Converters =
                {
                    new JsonStringEnumConverter(),
                    new StatePropertiesJsonConverter(
                        new StateProperty<List<TranscriptLine>>(
                            "transcript",
                            GeneratedTranscript.Default.ListTranscriptLine
                        )
                    ),
                },
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                TypeInfoResolver = new ConversationJsonContext().WithAddedModifier(type =>
                {
                    if (type.Type == typeof(Reply))
                    {
                        type.Properties.Single(p => p.Name == "cards").ShouldSerialize = (_, cards) =>
                            cards is IReadOnlyList<Card> { Count: > 0 };
                    }
                }),
            }.GetTypeInfo(typeof(ConversationRecord));

    private static string Save(ConversationRecord record, JsonTypeInfo<ConversationRecord> how) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(record, how));

    private static ConversationRecord Load(string json, JsonTypeInfo<ConversationRecord> how) =>
        JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), how)!;

    /// <summary>
    /// Every field set, each kind of reply, a dialog with and without state, a line with an activity id.
    /// </summary>
    private static ConversationRecord Full()
    {
        var record = new ConversationRecord
        {
            Locale = Locales.English,
            LastUserActivityAt = At.AddSeconds(30),
            LastUserMessageAt = At.AddSeconds(20),
            Owner = ConversationOwner.Agent,
            DialogStack =
            [
                new DialogFrame("main", JsonDocument.Parse("""{"NotUnderstood":2,"note":"退货"}""").RootElement),
                new DialogFrame("returns", null),
            ],
            Handled =
            [
                new HandledActivity("7000000000000051999", At),
                new HandledActivity(
                    "7000000000000151999",
                    At.AddSeconds(5),
                    [Reply.FromText("抱歉，我没有看懂。\n回复“菜单”"), Reply.FromImage("media-1")],
                    Deferred: true
                ),
                new HandledActivity("7000000000000251999", At.AddSeconds(9), [], Deferred: false),
            ],
            LastReply = new RecordedReply(
                "7000000000000351999",
                [
                    Reply.FromCards([
                        new Card("说明书", "第 1 页", new Uri("https://shop.example/help/1"), null),
                        new Card("Title \"quoted\"", null, null, new Uri("https://shop.example/p.jpg")),
                    ]),
                    Reply.FromText("ok"),
                ],
                ReplyDelivery.Deferred
            ),
        };
        Transcript.Append(
            record,
            [
                new TranscriptLine(At, true, "[照片 / photo]", "m-42"),
                new TranscriptLine(At.AddSeconds(1), false, "Thanks, \"got\" it 😀"),
            ]
        );
        record.Properties["fromANewerBuild"] = JsonDocument.Parse("""{"a":[1,2,{"b":"退货"}]}""").RootElement;
        return record;
    }

    [Fact]
    public void ADocument_IsWrittenByteForByte_AsTheGeneratedMetadataWroteIt()
    {
        var full = Full();
        Assert.Equal(Save(full, Generated), Save(full, ConversationJsonContext.Stored));

        var fresh = new ConversationRecord();
        Assert.Equal(Save(fresh, Generated), Save(fresh, ConversationJsonContext.Stored));
    }

    [Fact]
    public void ADocumentWrittenBefore_ReadsBackTheSame()
    {
        var before = Save(Full(), Generated);

        var read = Load(before, ConversationJsonContext.Stored);

        Assert.Equal(before, Save(read, Generated));
        Assert.Equal(ConversationOwner.Agent, read.Owner);
        Assert.Equal(At.AddSeconds(20), read.LastUserMessageAt);
        Assert.Equal([false, true, true], read.Handled.Select(h => h.Replies is not null));
        Assert.Equal(true, read.Handled[1].Deferred);
        Assert.Equal(new Uri("https://shop.example/help/1"), read.LastReply!.Replies[0].Cards[0].Url);
        Assert.Empty(read.LastReply.Replies[1].Cards);
        Assert.Equal(new TranscriptLine(At, true, "[照片 / photo]", "m-42"), Transcript.Of(read)[0]);
    }

    [Fact]
    public void TheTranscript_IsWrittenAsTheGeneratedMetadataWroteIt_AndReadsBackTheSame()
    {
        List<TranscriptLine> lines =
        [
            new(At, true, "[照片 / photo]", "m-42"),
            new(At.AddSeconds(1), false, "Thanks, \"got\" it 😀\n"),
            new(At.AddSeconds(2), true, ""),
        ];

        var before = JsonSerializer.Serialize(lines, GeneratedTranscript.Default.ListTranscriptLine);

        Assert.Equal(before, JsonSerializer.Serialize(lines, TranscriptLinesJsonConverter.TypeInfo));
        Assert.Equal(lines, JsonSerializer.Deserialize(before, TranscriptLinesJsonConverter.TypeInfo));
    }

    [Fact]
    public void OlderForms_StillRead_IsoTimes_EnumsInAnyCase_AndFieldsOfANewerBuildAreSkipped()
    {
        var read = Load(
            """
            {"schemaVersion":1,"addedLater":{"x":[1,{"y":null}]},"owner":"queued",
             "lastUserMessageAt":"2026-11-24T09:00:00+00:00",
             "handled":[{"id":"1","at":"2026-11-24T09:00:05+00:00","extra":true}],
             "lastReply":{"activityId":"1","replies":[{"kind":0,"text":"hi","cards":null}],"delivery":"passive"}}
            """,
            ConversationJsonContext.Stored
        );

        Assert.Equal(ConversationOwner.Queued, read.Owner);
        Assert.Equal(At, read.LastUserMessageAt);
        Assert.Equal(At.AddSeconds(5), read.Handled.Single().At);
        Assert.Equal(ReplyKind.Text, read.LastReply!.Replies.Single().Kind);
        Assert.Equal(ReplyDelivery.Passive, read.LastReply.Delivery);
        Assert.Empty(Transcript.Of(Load("""{"properties":{"transcript":null}}""", ConversationJsonContext.Stored)));
        Assert.DoesNotContain("addedLater", Save(read, ConversationJsonContext.Stored), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"owner":"Robot"}""")]
    [InlineData("""{"owner":7}""")]
    [InlineData("""{"locale":3}""")]
    [InlineData("""{"dialogStack":{}}""")]
    [InlineData("""{"dialogStack":[{"state":{}}]}""")]
    [InlineData("""{"handled":[{"id":"1"}]}""")]
    [InlineData("""{"handled":[{"id":"1","at":1796509592,"deferred":"yes"}]}""")]
    [InlineData("""{"lastReply":{"activityId":"1","replies":[{"text":"no kind"}],"delivery":"Passive"}}""")]
    [InlineData("""{"lastReply":{"activityId":"1","delivery":"Passive"}}""")]
    [InlineData("""{"properties":{"transcript":[{"at":1796509592,"text":"who?"}]}}""")]
    [InlineData("""{"schemaVersion":1""")]
    public void ADocumentThatIsWrong_IsRefused_WithAJsonError(string json)
    {
        Assert.Throws<JsonException>(() => Load(json, ConversationJsonContext.Stored));
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(List<TranscriptLine>))]
internal sealed partial class GeneratedTranscript : JsonSerializerContext;
