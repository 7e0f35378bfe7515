using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>
/// Messages pushed to a web chat user outside a turn (late replies, notices), kept until the
/// page collects them. Appends and drains are ETag-guarded, so none is lost or shown twice.
/// </summary>
internal sealed class WebChatOutbox(IDocumentStore store) : IChannelSender
{
    public string Channel => WebChatEndpoints.Channel;

    public async Task<SendOutcome> SendAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    )
    {
        await store.UpdateAsync(
            Key(conversation.UserId),
            WebChatJsonContext.Default.ListReply,
            pending => [.. pending ?? [], .. replies],
            cancellationToken
        );
        return SendOutcome.Sent;
    }

    /// <summary>Takes every pending message, oldest first; a poll of an empty outbox writes nothing.</summary>
    public async Task<IReadOnlyList<Reply>> DrainAsync(string userId, CancellationToken cancellationToken)
    {
        var (pending, _) = await store.UpdateAsync(
            Key(userId),
            WebChatJsonContext.Default.ListReply,
            pending => pending is { Count: > 0 } ? [] : null,
            cancellationToken
        );
        return pending ?? [];
    }

    public Task DeleteAsync(string userId, CancellationToken cancellationToken) =>
        store.DeleteAsync(Key(userId), cancellationToken);

    private static string Key(string userId) => StorageKey.Join("webchat", "outbox", userId);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<Reply>))]
[JsonSerializable(typeof(WebChatRequest))]
[JsonSerializable(typeof(WebChatResponse))]
internal sealed partial class WebChatJsonContext : JsonSerializerContext;
