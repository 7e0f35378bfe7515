using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>
/// Messages pushed to a web chat user outside a turn (late replies, notices), kept until the
/// page collects them. Appends and drains are ETag-guarded, so none is lost or shown twice.
/// </summary>
internal sealed class WebChatOutbox(IDocumentStore store) : IChannelSender
{
    private const int MaxAttempts = 10;

    public string Channel => WebChatEndpoints.Channel;

    public async Task<SendOutcome> SendAsync(ConversationReference conversation, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        await UpdateAsync(conversation.UserId, pending => [.. pending, .. replies], cancellationToken);
        return SendOutcome.Sent;
    }

    /// <summary>Takes every pending message, oldest first.</summary>
    public async Task<IReadOnlyList<Reply>> DrainAsync(string userId, CancellationToken cancellationToken) =>
        await UpdateAsync(userId, _ => [], cancellationToken);

    // Applies the change and returns what was pending before it.
    private async Task<List<Reply>> UpdateAsync(string userId, Func<List<Reply>, List<Reply>> change, CancellationToken cancellationToken)
    {
        var key = StorageKey.Join("webchat", "outbox", userId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var document = await store.ReadAsync(key, cancellationToken);
            var pending = document is null
                ? []
                : JsonSerializer.Deserialize(document.Content.Span, WebChatJsonContext.Default.ListReply) ?? [];
            var next = change(pending);
            if (pending.Count == 0 && next.Count == 0)
            {
                return pending; // nothing waiting, nothing to write: a poll of an empty outbox is a read
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(next, WebChatJsonContext.Default.ListReply);
            if (await store.TryWriteAsync(key, bytes, WriteCondition.Expect(document?.ETag), cancellationToken) is not null)
            {
                return pending;
            }
        }

        throw new StorageConflictException($"Web chat outbox of {userId} kept changing.");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<Reply>))]
[JsonSerializable(typeof(WebChatRequest))]
[JsonSerializable(typeof(WebChatResponse))]
internal sealed partial class WebChatJsonContext : JsonSerializerContext;
