using System.Text.Json;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>Media customers send (photos, voice notes, videos), fetched from WeChat, which keeps them 3 days.</summary>
internal sealed class WeChatMediaApi(WeChatApiClient api)
{
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
