using System.Text.Json;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>A temporary media upload: WeChat's id for it, and when WeChat forgets it.</summary>
internal sealed record UploadedMedia(string MediaId, DateTimeOffset ExpiresAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(UploadedMedia))]
internal sealed partial class MediaJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>
/// Media both ways. Customers' photos, voice notes and videos are fetched from WeChat, which keeps
/// them 3 days. What the bot sends (an agent's photo) is uploaded as temporary media, once per
/// content: the media id is kept (<c>media-uploads/{sha256}</c>, for every instance) until shortly
/// before WeChat's 3 days run out.
/// </summary>
internal sealed class WeChatMediaApi(
    WeChatApiClient api,
    ServiceBot.Services.Storage.IDocumentStore store,
    TimeProvider time
)
{
    private static readonly TimeSpan Kept = TimeSpan.FromDays(3) - TimeSpan.FromHours(2);

    /// <summary>
    /// The media id of <paramref name="content"/> as <paramref name="type"/> (image, video), uploading it unless a
    /// recent upload is kept.
    /// </summary>
    public async Task<(WeChatApiResult Outcome, string? MediaId)> UploadAsync(
        byte[] content,
        string contentType,
        string type,
        CancellationToken cancellationToken
    )
    {
        var key = ServiceBot.Services.Storage.StorageKey.Join(
            "media-uploads",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))
        );
        if (
            await store.ReadAsync(key, cancellationToken) is { } kept
            && JsonSerializer.Deserialize(kept.Content.Span, MediaJsonContext.Default.UploadedMedia) is { } cached
            && cached.ExpiresAt > time.GetUtcNow()
        )
        {
            return (WeChatApiResult.Ok, cached.MediaId);
        }

        var extension = contentType switch
        {
            "image/png" => "png",
            "image/gif" => "gif",
            "video/mp4" => "mp4",
            _ => "jpg",
        };
        try
        {
            var (result, answer) = await api.WithTokenAsync(
                "media_upload",
                token =>
                {
                    var form = new MultipartFormDataContent();
                    var file = new ByteArrayContent(content);
                    file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                    form.Add(file, "media", $"media.{extension}");
                    return WeChatApiClient.AnswerAsync(
                        api.Http()
                            .PostAsync(
                                $"cgi-bin/media/upload?access_token={Uri.EscapeDataString(token)}&type={type}",
                                form,
                                cancellationToken
                            ),
                        cancellationToken
                    );
                },
                a => a.Outcome,
                cancellationToken
            );
            if (
                !result.IsOk
                || !answer.TryGetProperty("media_id", out var id)
                || id.GetString() is not { Length: > 0 } mediaId
            )
            {
                return (result.IsOk ? WeChatApiResult.Failure("no media_id in the answer") : result, null);
            }

            var upload = new UploadedMedia(mediaId, time.GetUtcNow() + Kept);
            await store.TryWriteAsync(
                key,
                JsonSerializer.SerializeToUtf8Bytes(upload, MediaJsonContext.Default.UploadedMedia),
                ServiceBot.Services.Storage.WriteCondition.None,
                cancellationToken
            );
            return (result, mediaId);
        }
        catch (WeChatTokenException e)
        {
            return (e.Outcome, null);
        }
    }

    /// <summary>
    /// Downloads a user's photo or voice note; media is refused when larger than <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<MediaDownload> DownloadMediaAsync(
        string mediaId,
        long maxBytes,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await api.WithTokenAsync(
                "media",
                async token =>
                {
                    var path =
                        $"cgi-bin/media/get?access_token={Uri.EscapeDataString(token)}"
                        + $"&media_id={Uri.EscapeDataString(mediaId)}";
                    using var response = await api.Http()
                        .GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    var contentType = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
                    if (!response.IsSuccessStatusCode)
                    {
                        return MediaDownload.Failed(WeChatApiResult.Failure($"HTTP {(int)response.StatusCode}"));
                    }

                    if (contentType is "application/json" or "text/plain")
                    {
                        var error = WeChatApiClient.ReadError(
                            await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)
                        );
                        return MediaDownload.Failed(error);
                    }

                    if (response.Content.Headers.ContentLength > maxBytes)
                    {
                        return MediaDownload.Failed(WeChatApiResult.Failure("media too large"), contentType);
                    }

                    var content = await ReadLimitedAsync(response.Content, maxBytes, cancellationToken);
                    return content is null
                        ? MediaDownload.Failed(WeChatApiResult.Failure("media too large"), contentType)
                        : new MediaDownload(WeChatApiResult.Ok, content, contentType);
                },
                d => d.Outcome,
                cancellationToken
            );
        }
        catch (WeChatTokenException e)
        {
            return MediaDownload.Failed(e.Outcome);
        }
        catch (Exception e) when (WeChatApiClient.IsTransportFailure(e, cancellationToken))
        {
            return MediaDownload.Failed(WeChatApiResult.Unreachable(e.GetType().Name));
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(
        HttpContent content,
        long maxBytes,
        CancellationToken cancellationToken
    )
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
