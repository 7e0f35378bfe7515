using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// A time stored as whole Unix seconds (10 bytes instead of an ISO string's 25 to 33) where
/// seconds are precision enough and every byte of the conversation document counts. Reads the ISO
/// strings that documents written before hold.
/// </summary>
internal sealed class UnixSecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadTime(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeSeconds());

    /// <summary>The time at the reader's token (the conversation document's own readers use it too).</summary>
    public static DateTimeOffset ReadTime(ref Utf8JsonReader reader) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64()),
            JsonTokenType.String => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture),
            _ => throw new JsonException($"A time must be Unix seconds or an ISO 8601 string, not {reader.TokenType}."),
        };
}
