using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// The steps the conversation document's hand-written readers share (see
/// <see cref="ConversationRecordJsonConverter"/>): walk an object's properties, take a value of the
/// kind expected or refuse the document with a <see cref="JsonException"/> that says what was wrong.
/// </summary>
internal static class StoredJson
{
    /// <summary>Refuses anything but <paramref name="token"/> at the reader.</summary>
    public static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string what)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"{what} must be {Describe(token)}, not {reader.TokenType}.");
        }
    }

    /// <summary>Moves to the next property name of the object being read; false at its end.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new JsonException($"Expected a property name, not {reader.TokenType}."),
        };
    }

    /// <summary>Moves to the next item of the array being read; false at its end.</summary>
    public static bool NextItem(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>True, at the property's value, when the reader is at the property <paramref name="name"/>.</summary>
    public static bool IsProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueTextEquals(name))
        {
            return false;
        }

        reader.Read();
        return true;
    }

    /// <summary>Skips a property this build does not know (a newer build's), as the generated readers did.</summary>
    public static void SkipProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    public static string ReadString(ref Utf8JsonReader reader, string what)
    {
        Expect(ref reader, JsonTokenType.String, what);
        return reader.GetString()!;
    }

    public static string? ReadOptionalString(ref Utf8JsonReader reader, string what) =>
        reader.TokenType == JsonTokenType.Null ? null : ReadString(ref reader, what);

    public static bool ReadBoolean(ref Utf8JsonReader reader, string what) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException($"{what} must be true or false, not {reader.TokenType}."),
        };

    public static DateTimeOffset? ReadOptionalTime(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : UnixSecondsJsonConverter.ReadTime(ref reader);

    /// <summary>An enum by name, in any case, or by number, as <c>JsonStringEnumConverter</c> read it.</summary>
    public static T ReadEnum<T>(ref Utf8JsonReader reader, string what)
        where T : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 32)
        {
            Span<char> name = stackalloc char[32];
            var length = reader.CopyString(name);
            if (Enum.TryParse<T>(name[..length], ignoreCase: true, out var named) && Enum.IsDefined(named))
            {
                return named;
            }
        }
        else if (
            reader.TokenType == JsonTokenType.Number
            && reader.TryGetInt32(out var number)
            && Enum.IsDefined(typeof(T), number)
        )
        {
            return (T)Enum.ToObject(typeof(T), number);
        }

        throw new JsonException($"{what} must be one of {string.Join(", ", Enum.GetNames<T>())}.");
    }

    private static string Describe(JsonTokenType token) =>
        token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            _ => token.ToString(),
        };
}

/// <summary>
/// A converter written by hand for the conversation document: it reads exactly its value and
/// leaves the reader at the value's last token, so it may be called in place (see
/// <see cref="StateProperty{T}"/>), without the serializer's entry, which scans the value twice.
/// </summary>
internal abstract class HandWrittenJsonConverter<T> : JsonConverter<T>;
