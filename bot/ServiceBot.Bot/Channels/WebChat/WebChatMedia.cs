using ServiceBot.Services.Photos;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>
/// Photos sent from the web chat page, kept under the message id like WeChat keeps media under
/// a MediaId, so the return dialog fetches them the same way on either channel.
/// </summary>
internal sealed class WebChatMedia(IDocumentStore store)
{
    /// <summary>The image bytes, or null when the Base64 is bad, too large or not an image.</summary>
    public static byte[]? Decode(string base64)
    {
        var comma = base64.IndexOf(',', StringComparison.Ordinal);
        var data = base64.StartsWith("data:", StringComparison.Ordinal) && comma > 0 ? base64[(comma + 1)..] : base64;
        if (data.Length > (WebChatEndpoints.MaxImageBytes / 3 * 4) + 4)
        {
            return null;
        }

        var bytes = new byte[data.Length];
        return
            Convert.TryFromBase64String(data, bytes, out var length)
            && length > 0
            && ImageSniffer.ContentTypeOf(bytes.AsSpan(0, length)) is not null
            ? bytes[..length]
            : null;
    }

    public Task SaveAsync(string userId, string mediaId, byte[] bytes, CancellationToken cancellationToken) =>
        store.TryWriteAsync(Key(userId, mediaId), bytes, WriteCondition.IfAbsent, cancellationToken);

    public async Task<byte[]?> GetAsync(string userId, string mediaId, CancellationToken cancellationToken) =>
        (await store.ReadAsync(Key(userId, mediaId), cancellationToken))?.Content.ToArray();

    private static string Key(string userId, string mediaId) => StorageKey.Join("webchat", "media", userId, mediaId);
}
