using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Conversations;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(ConversationRecord))]
[JsonSerializable(typeof(Activity))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext
{
    /// <summary>
    /// For the stored conversation: the same shape, with text kept as UTF-8. The default encoder
    /// writes every Chinese character as a six-byte <c>\uXXXX</c> escape (three bytes in UTF-8),
    /// which more than doubles a Chinese customer's state. The document is never put into HTML, so
    /// the relaxed encoder is safe here.
    /// </summary>
    /// <remarks>
    /// The document is read and written by <see cref="ConversationRecordJsonConverter"/> (a reply
    /// without cards leaves them out; they read back as none); the generated metadata serves the
    /// rare parts it hands on (a news reply's cards). The transcript, which every turn reads and
    /// writes, is read typed straight from the document (see <see cref="StateProperties"/>).
    /// </remarks>
    public static JsonTypeInfo<ConversationRecord> Stored { get; } =
        (JsonTypeInfo<ConversationRecord>)
            new JsonSerializerOptions
            {
                // The naming policy and the left-out nulls are for what the generated metadata still writes
                // (a card); the converter writes the rest in the same shape, enums by name included.
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                Converters =
                {
                    new ConversationRecordJsonConverter(new StatePropertiesJsonConverter(Transcript.Property)),
                },
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                TypeInfoResolver = new ConversationJsonContext(),
            }.GetTypeInfo(typeof(ConversationRecord));
}
