using ServiceBot.Bot.Channels.WebChat;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Channels;

/// <summary>Downloads a customer's photo from the channel it came through (WeChat: the media API).</summary>
internal sealed class ChannelMediaDownloader(WeChatMediaApi wechat, WebChatMedia webChat) : IMediaDownloader
{
    public async Task<DownloadedMedia> DownloadAsync(
        ConversationReference conversation,
        MediaAttachment media,
        long maxBytes,
        CancellationToken cancellationToken
    )
    {
        if (media.MediaId is not { Length: > 0 } mediaId)
        {
            return DownloadedMedia.Failed("no media id");
        }

        if (conversation.Channel == WebChatEndpoints.Channel)
        {
            var bytes = webChat.Get(conversation.UserId, mediaId);
            return bytes is not null && bytes.Length <= maxBytes
                ? DownloadedMedia.Got(bytes, ImageSniffer.ContentTypeOf(bytes))
                : DownloadedMedia.Failed("web chat photo no longer held (its turn is over) or too large");
        }

        if (conversation.Channel != WeChatActivityMapper.Channel)
        {
            return DownloadedMedia.Failed($"no media download on channel {conversation.Channel}");
        }

        var download = await wechat.DownloadMediaAsync(mediaId, maxBytes, cancellationToken);
        return download.Outcome.IsOk
            ? DownloadedMedia.Got(download.Content!, download.ContentType)
            : DownloadedMedia.Failed($"{download.Outcome.Status} ({download.Outcome.ErrCode})");
    }
}
