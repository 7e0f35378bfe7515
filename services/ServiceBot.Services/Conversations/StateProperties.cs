using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// The named values kept with a conversation, each read and written through a
/// <see cref="StateProperty{T}"/>. A value stays the JSON it was stored as until a property reads
/// or sets it; from then on it is held typed, so a turn deserializes a value once however often it
/// reads it, and the save writes typed values straight into the document (a round trip through
/// <see cref="JsonElement"/> on every read and set is costly on the turn's path). Values are shared with whoever read
/// them: keep them immutable (records) and
/// set a new one to change it. A value that was only read, or that no property of this build reads
/// (a newer build's), is written back as it was stored. The transcript is read typed straight from
/// the document and written from what it holds: a saved turn sets it anyway, and a save outside a
/// turn (<see cref="ConversationStateStore.UpdateAsync"/>) writes this build's shape of it, as it does
/// of the record's own fields (a converter cannot keep the bytes it read without parsing them twice).
/// </summary>
[JsonConverter(typeof(StatePropertiesJsonConverter))]
internal sealed class StateProperties
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A value as JSON, whether it is held typed or as stored: for tests and diagnostics.</summary>
    public JsonElement this[string name]
    {
        get => _entries[name].ToElement();
        set => _entries[name] = new Stored(value);
    }

    internal T? Get<T>(string name, JsonTypeInfo<T> typeInfo)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            return default;
        }

        if (entry is Typed<T> typed && ReferenceEquals(typed.TypeInfo, typeInfo))
        {
            return typed.Value;
        }

        // Kept typed for the next read, but written back as it was stored until it is set: a field
        // this build does not know (a newer build's) is not lost because this build read the value.
        var stored = entry.ToElement();
        var value = stored.Deserialize(typeInfo);
        _entries[name] = new Typed<T>(value, typeInfo, stored);
        return value;
    }

    internal void Set<T>(string name, T? value, JsonTypeInfo<T> typeInfo) =>
        _entries[name] = new Typed<T>(value, typeInfo, null);

    internal bool Remove(string name) => _entries.Remove(name);

    internal void Read(string name, JsonElement value) => _entries[name] = new Stored(value);

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (name, entry) in _entries)
        {
            writer.WritePropertyName(name);
            entry.Write(writer);
        }

        writer.WriteEndObject();
    }

    private abstract class Entry
    {
        public abstract JsonElement ToElement();

        public abstract void Write(Utf8JsonWriter writer);
    }

    private sealed class Stored(JsonElement value) : Entry
    {
        public override JsonElement ToElement() => value;

        public override void Write(Utf8JsonWriter writer) => value.WriteTo(writer);
    }

    // A value held typed: written as it was stored while it has only been read, else from the value,
    // with the document's writer and so its encoder (UTF-8 text for the stored conversation).
    private sealed class Typed<T>(T? value, JsonTypeInfo<T> typeInfo, JsonElement? stored) : Entry
    {
        public T? Value { get; } = value;

        public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

        public override JsonElement ToElement() => stored ?? JsonSerializer.SerializeToElement(Value!, TypeInfo);

        public override void Write(Utf8JsonWriter writer)
        {
            if (stored is { } element)
            {
                element.WriteTo(writer);
            }
            else
            {
                JsonSerializer.Serialize(writer, Value!, TypeInfo);
            }
        }
    }
}

/// <summary>
/// Reads each value as stored, to be typed by the property that reads it later, except those of
/// the properties given, which are read typed at once (the transcript, which every turn reads:
/// parsing it into a <see cref="JsonElement"/> first cost as much again); writes each as it is held.
/// </summary>
internal sealed class StatePropertiesJsonConverter(params IStatePropertyReader[] readTyped)
    : JsonConverter<StateProperties>
{
    public StatePropertiesJsonConverter()
        : this([]) { }

    public override StateProperties Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Conversation properties must be a JSON object, not {reader.TokenType}.");
        }

        var properties = new StateProperties();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (ReadTyped(name) is { } property)
            {
                property.Read(ref reader, properties);
            }
            else
            {
                properties.Read(name, JsonElement.ParseValue(ref reader));
            }
        }

        return properties;
    }

    // A loop, not a lambda: this runs for every property of every conversation a turn loads.
    private IStatePropertyReader? ReadTyped(string name)
    {
        foreach (var property in readTyped)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }

    public override void Write(Utf8JsonWriter writer, StateProperties value, JsonSerializerOptions options) =>
        value.Write(writer);
}

/// <summary>A property that can read its stored value typed, straight from the document.</summary>
internal interface IStatePropertyReader
{
    string Name { get; }

    void Read(ref Utf8JsonReader reader, StateProperties properties);
}
