using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Photos;

/// <summary>A photo a customer sent, kept: its id, what it really is, and its size.</summary>
internal sealed record KeptPhoto(string Id, string ContentType, int Length);

/// <summary>
/// Photos customers send (for returns, for an agent), and the voice notes and videos they send an
/// agent, fetched from the channel at once (WeChat deletes media after 3 days), checked by their
/// first bytes to be what they claim, and stored once per message
/// (<c>photos/{channel}_{user}_{message}</c>), so a channel retry stores nothing twice.
/// </summary>
internal sealed class CustomerPhotos(IDocumentStore store, IMediaDownloader media)
{
    public static string IdOf(Activity activity) =>
        $"{activity.Conversation.Channel}_{activity.Conversation.UserId}_{activity.Id}";

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 200 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.');

    /// <summary>
    /// Downloads and keeps the photo of an image message; null when it cannot be had, is too large or is not an image.
    /// </summary>
    public async Task<KeptPhoto?> KeepAsync(Activity activity, long maxBytes, CancellationToken cancellationToken)
    {
        if (activity is not { Kind: MessageKind.Image or MessageKind.Voice or MessageKind.Video, Media: { } photo })
        {
            return null;
        }

        // What it claims to be must be what it is: an image for a photo, a recording for a voice note or video.
        var downloaded = await media.DownloadAsync(activity.Conversation, photo, maxBytes, cancellationToken);
        var type =
            downloaded.Content is not { } bytes ? null
            : activity.Kind == MessageKind.Image ? ImageSniffer.ContentTypeOf(bytes)
            : RecordingSniffer.ContentTypeOf(bytes);
        if (downloaded.Content is null || type is null)
        {
            return null;
        }

        var id = IdOf(activity);
        await store.TryWriteAsync(Key(id), downloaded.Content, WriteCondition.IfAbsent, cancellationToken);
        return new KeptPhoto(id, type, downloaded.Content.Length);
    }

    /// <summary>
    /// Keeps a picture (or a video) the bot was given, an agent's photo or a help article's, under the id given.
    /// </summary>
    public async Task<KeptPhoto?> KeepBytesAsync(string id, byte[] bytes, CancellationToken cancellationToken)
    {
        if (
            !IsValidId(id)
            || (ImageSniffer.ContentTypeOf(bytes) ?? RecordingSniffer.ContentTypeOf(bytes)) is not { } type
        )
        {
            return null;
        }

        await store.TryWriteAsync(Key(id), bytes, WriteCondition.IfAbsent, cancellationToken);
        return new KeptPhoto(id, type, bytes.Length);
    }

    /// <summary>The photo's (or recording's) bytes and content type, or null.</summary>
    public async Task<(byte[] Content, string ContentType)?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id) || await store.ReadAsync(Key(id), cancellationToken) is not { } document)
        {
            return null;
        }

        var bytes = document.Content.ToArray();
        return (
            bytes,
            ImageSniffer.ContentTypeOf(bytes) ?? RecordingSniffer.ContentTypeOf(bytes) ?? "application/octet-stream"
        );
    }

    /// <summary>Deletes one kept photo; false when there was none.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        IsValidId(id) ? store.DeleteAsync(Key(id), cancellationToken) : Task.FromResult(false);

    /// <summary>
    /// Deletes every photo kept from <paramref name="sender"/>. Ids are <c>{channel}_{user}_{message}</c>, so a
    /// user id that is another's plus <c>_…</c> would match too: only for channels whose ids have no <c>_</c>.
    /// </summary>
    public async Task<int> DeleteAllFromAsync(ConversationReference sender, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListKeysAsync(Key($"{sender.Channel}_{sender.UserId}_"), cancellationToken))
        {
            keys.Add(key);
        }

        foreach (var key in keys)
        {
            await store.DeleteAsync(key, cancellationToken);
        }

        return keys.Count;
    }

    private static string Key(string id) => StorageKey.Join("photos", id);
}
