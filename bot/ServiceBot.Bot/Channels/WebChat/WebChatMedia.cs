using System.Collections.Concurrent;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>
/// A photo posted from the page, held in memory for the turn that carries it, under the message id
/// like WeChat keeps media under a MediaId: the dialog that asks for a photo fetches it the same way
/// on either channel and keeps it (<see cref="CustomerPhotos"/>); a photo nobody asked for is gone
/// when the request ends, so an anonymous visitor cannot fill the disk.
/// </summary>
internal sealed class WebChatMedia
{
    private readonly ConcurrentDictionary<(string UserId, string MediaId), byte[]> _held = new();

    /// <summary>The image bytes, or null when the Base64 is bad, too large or not an image.</summary>
    public static byte[]? Decode(string base64) => Base64Images.Decode(base64, WebChatEndpoints.MaxImageBytes);

    /// <summary>Holds the photo until the returned handle is disposed, at the end of its turn.</summary>
    public IDisposable Hold(string userId, string mediaId, byte[] bytes)
    {
        var key = (userId, mediaId);
        _held[key] = bytes;
        return new Release(() => _held.TryRemove(KeyValuePair.Create(key, bytes)));
    }

    public byte[]? Get(string userId, string mediaId) => _held.GetValueOrDefault((userId, mediaId));

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
