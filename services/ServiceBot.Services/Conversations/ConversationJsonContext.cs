using System.Text.Json.Serialization;

namespace ServiceBot.Services.Conversations;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationRecord))]
[JsonSerializable(typeof(Activity))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
