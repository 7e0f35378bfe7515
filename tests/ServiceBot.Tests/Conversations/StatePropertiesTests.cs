using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Conversations;

public sealed record Note(string Text, int Times);

[JsonSerializable(typeof(Note))]
internal sealed partial class NoteJsonContext : JsonSerializerContext;

public sealed class StatePropertiesTests
{
    private static readonly StateProperty<Note> NoteProperty = new("note", NoteJsonContext.Default.Note);

    private static ConversationRecord Load(string json) =>
        JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), ConversationJsonContext.Stored)!;

    private static string Save(ConversationRecord record) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(record, ConversationJsonContext.Stored));

    [Fact]
    public void AValueThisBuildDoesNotKnow_IsWrittenBackAsItWasStored()
    {
        var record = Load(
            """{"properties":{"fromANewerBuild":{"a":[1,2,{"b":"退货"}]},"note":{"Text":"hi","Times":1}}}"""
        );

        NoteProperty.Set(record, new Note("hello", 2));

        using var saved = JsonDocument.Parse(Save(record));
        var properties = saved.RootElement.GetProperty("properties");
        Assert.Equal("""{"a":[1,2,{"b":"退货"}]}""", properties.GetProperty("fromANewerBuild").GetRawText());
        Assert.Equal("hello", properties.GetProperty("note").GetProperty("Text").GetString());
    }

    [Fact]
    public void AValueOnlyRead_IsWrittenBackAsStored_WithWhatThisBuildDoesNotKnow()
    {
        var record = Load("""{"properties":{"note":{"Text":"hi","Times":1,"AddedLater":[1,2]}}}""");

        Assert.Equal(new Note("hi", 1), NoteProperty.Get(record));

        using var saved = JsonDocument.Parse(Save(record));
        Assert.Equal(
            "[1,2]",
            saved.RootElement.GetProperty("properties").GetProperty("note").GetProperty("AddedLater").GetRawText()
        );
    }

    [Fact]
    public void AValueSet_IsSavedAsUtf8Text_NotEscaped()
    {
        var record = new ConversationRecord();

        NoteProperty.Set(record, new Note("我的快递到哪了", 1));

        Assert.Contains("\"Text\":\"我的快递到哪了\"", Save(record), StringComparison.Ordinal);
    }

    [Fact]
    public void AStoredValue_ReadsBackTyped_AndChangesOnlyBySet()
    {
        var record = Load("""{"properties":{"note":{"Text":"hi","Times":1}}}""");

        var first = NoteProperty.Get(record);
        NoteProperty.Set(record, first! with { Times = 2 });

        Assert.Equal(new Note("hi", 1), first);
        Assert.Equal(new Note("hi", 2), NoteProperty.Get(Load(Save(record))));
    }

    [Fact]
    public void ADeletedValue_IsGone_AfterTheSave()
    {
        var record = Load("""{"properties":{"note":{"Text":"hi","Times":1}}}""");

        NoteProperty.Delete(record);

        Assert.Null(NoteProperty.Get(Load(Save(record))));
        Assert.DoesNotContain("note", Save(record), StringComparison.Ordinal);
    }

    [Fact]
    public void PropertiesThatAreNotAnObject_AreRefused()
    {
        Assert.Throws<JsonException>(() => Load("""{"properties":[1,2]}"""));
    }

    [Fact]
    public void AStoredTranscript_ReadsBack_AndIsSavedAsItWas()
    {
        const string transcript =
            """[{"at":1796509592,"fromUser":true,"text":"你好"},{"at":1796509913,"fromUser":false,"text":"请回复数字"}]""";
        var record = Load($$$"""{"properties":{"transcript":{{{transcript}}}}}""");

        Assert.Equal(["你好", "请回复数字"], Transcript.Of(record).Select(l => l.Text));
        using var saved = JsonDocument.Parse(Save(record));
        Assert.Equal(transcript, saved.RootElement.GetProperty("properties").GetProperty("transcript").GetRawText());
    }

    [Fact]
    public void AStoredTranscriptThatIsNotAList_IsRefused()
    {
        Assert.Throws<JsonException>(() => Load("""{"properties":{"transcript":5}}"""));
    }
}
