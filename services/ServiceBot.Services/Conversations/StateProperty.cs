using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// A typed accessor for one value kept with the conversation (botbuilder's state property
/// accessor, minus the string-keyed bag at the call site): declare it once per feature,
/// <c>static readonly StateProperty&lt;Prefs&gt; Prefs = new("prefs", MyJson.Default.Prefs)</c>.
/// </summary>
internal sealed class StateProperty<T>(string name, JsonTypeInfo<T> typeInfo) : IStatePropertyReader
{
    public string Name { get; } = name;

    public T? Get(TurnContext turn) => Get(turn.State);

    public T? Get(ConversationRecord record) => record.Properties.Get(Name, typeInfo);

    public T GetOrCreate(TurnContext turn, Func<T> create) => Get(turn) ?? create();

    public void Set(TurnContext turn, T value) => Set(turn.State, value);

    public void Set(ConversationRecord record, T value) => record.Properties.Set(Name, value, typeInfo);

    public void Delete(TurnContext turn) => Delete(turn.State);

    public void Delete(ConversationRecord record) => record.Properties.Remove(Name);

    // A hand-written converter reads in place: the serializer's entry first scans to the end of the
    // value to bound its reader, which for the transcript was a second pass over it every turn.
    void IStatePropertyReader.Read(ref Utf8JsonReader reader, StateProperties properties) =>
        properties.Set(
            Name,
            typeInfo.Converter is HandWrittenJsonConverter<T> converter
                ? (
                    reader.TokenType == JsonTokenType.Null
                        ? default
                        : converter.Read(ref reader, typeof(T), typeInfo.Options)
                )
                : JsonSerializer.Deserialize(ref reader, typeInfo),
            typeInfo
        );
}
