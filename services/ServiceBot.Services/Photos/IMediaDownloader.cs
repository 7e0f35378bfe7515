using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Photos;

/// <summary>
/// Fetches a photo the customer sent, from the channel that holds it (WeChat deletes media after 3 days).
/// </summary>
internal interface IMediaDownloader
{
    /// <summary>The bytes and content type, or null with the reason when it cannot be had or is too large.</summary>
    Task<DownloadedMedia> DownloadAsync(
        ConversationReference conversation,
        MediaAttachment media,
        long maxBytes,
        CancellationToken cancellationToken
    );
}

internal sealed record DownloadedMedia(byte[]? Content, string? ContentType, string? Failure)
{
    public static DownloadedMedia Got(byte[] content, string? contentType) => new(content, contentType, null);

    public static DownloadedMedia Failed(string why) => new(null, null, why);
}

/// <summary>An image (or video) sent as Base64 (a data URL or bare), checked to be what it says, not too big.</summary>
internal static class Base64Images
{
    /// <summary>The image's bytes, or null when the Base64 is bad, too large or not an image.</summary>
    public static byte[]? Decode(string base64, int maxBytes) =>
        Decode(base64, maxBytes, bytes => ImageSniffer.ContentTypeOf(bytes) is not null);

    /// <summary>An MP4 video's bytes, or null when the Base64 is bad, too large or not an MP4.</summary>
    public static byte[]? DecodeMp4(string base64, int maxBytes) =>
        Decode(base64, maxBytes, bytes => RecordingSniffer.ContentTypeOf(bytes) == "video/mp4");

    private static byte[]? Decode(string base64, int maxBytes, Func<byte[], bool> accepts)
    {
        var comma = base64.IndexOf(',', StringComparison.Ordinal);
        var data = base64.StartsWith("data:", StringComparison.Ordinal) && comma > 0 ? base64[(comma + 1)..] : base64;
        if (data.Length > (maxBytes / 3 * 4) + 4)
        {
            return null;
        }

        var bytes = new byte[data.Length];
        return Convert.TryFromBase64String(data, bytes, out var length) && length > 0 && accepts(bytes[..length])
            ? bytes[..length]
            : null;
    }
}

/// <summary>
/// Recognises voice notes and videos by their first bytes: WeChat's AMR or Speex (in Ogg) voice, and
/// MP4 video. Browsers play MP4 and Ogg; AMR they cannot, so the console offers it as a download.
/// </summary>
internal static class RecordingSniffer
{
    public static string? ContentTypeOf(ReadOnlySpan<byte> bytes) =>
        bytes switch
        {
            [0x23, 0x21, 0x41, 0x4D, 0x52, ..] => "audio/amr", // "#!AMR"
            [0x4F, 0x67, 0x67, 0x53, ..] => "audio/ogg", // "OggS" (Speex)
            [_, _, _, _, 0x66, 0x74, 0x79, 0x70, ..] => "video/mp4", // "....ftyp"
            _ => null,
        };
}

/// <summary>Recognises real images by their first bytes, whatever the channel claims.</summary>
internal static class ImageSniffer
{
    public static string? ContentTypeOf(ReadOnlySpan<byte> bytes) =>
        bytes switch
        {
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
            [0x47, 0x49, 0x46, 0x38, ..] => "image/gif",
            [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
            _ => null,
        };
}
