using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// Keeps each activity addressed to agents as its own document,
/// <c>inbox/{channel}/{user}/{time}-{activity}</c>, created if absent so a retry keeps one copy.
/// The agent console lists a conversation's inbox by prefix.
/// </summary>
internal sealed class StoredAgentInbox(IDocumentStore store) : IAgentInbox
{
    public async Task DeliverAsync(Activity activity, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(activity, ConversationJsonContext.Default.Activity);
        await store.TryWriteAsync(KeyOf(activity), bytes, WriteCondition.IfAbsent, cancellationToken);
    }

    public async Task<IReadOnlyList<Activity>> ListAsync(ConversationReference conversation, CancellationToken cancellationToken)
    {
        var activities = new List<Activity>();
        var prefix = StorageKey.Join("inbox", conversation.Channel, conversation.UserId) + "/";
        await foreach (var (_, activity) in store.ReadAllAsync(prefix, ConversationJsonContext.Default.Activity, cancellationToken))
        {
            activities.Add(activity);
        }

        return activities;
    }

    internal static string KeyOf(Activity activity) =>
        StorageKey.Join("inbox", activity.Conversation.Channel, activity.Conversation.UserId, Segment(activity));

    /// <summary>A key segment that sorts activities by time and names each once: "{ms:D15}-{id}".</summary>
    internal static string Segment(Activity activity) => $"{activity.Timestamp.ToUnixTimeMilliseconds():D15}-{SafeId(activity.Id)}";

    // Event ids join user, time and event name with ':' which keys allow; anything else becomes '_'.
    private static string SafeId(string id) =>
        string.Create(id.Length, id, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.' ? c : '_';
            }
        });
}
