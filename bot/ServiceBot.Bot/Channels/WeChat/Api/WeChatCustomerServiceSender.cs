using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// Proactive messages to WeChat users go through the customer-service API, one reply per call, in order, stopping at
/// the first not taken.
/// </summary>
internal sealed class WeChatCustomerServiceSender(WeChatApiClient api, WeChatMediaApi media, CustomerPhotos photos)
    : IChannelSender
{
    public string Channel => WeChatActivityMapper.Channel;

    public async Task<SendOutcome> SendAsync(
        ConversationReference conversation,
        IReadOnlyList<Reply> replies,
        CancellationToken cancellationToken
    )
    {
        for (var i = 0; i < replies.Count; i++)
        {
            // A long text goes as several messages; once one of them went, the reply counts as taken, so
            // a retry never repeats a piece (at most once): the rest of it is lost and said so.
            if (replies[i] is { PhotoId: { } photoId } own)
            {
                // A picture or video of the bot's own goes up as temporary media first (once per file), then as one
                // message.
                var uploaded = await UploadAsync(photoId, own.Kind, cancellationToken);
                if (uploaded.MediaId is not { } mediaId)
                {
                    return uploaded.Outcome.ToSendOutcome() with { Delivered = i };
                }

                var message = own with { MediaId = mediaId, PhotoId = null };
                var sent = await api.SendCustomerMessageAsync(conversation.UserId, message, cancellationToken);
                if (!sent.IsOk)
                {
                    return sent.ToSendOutcome() with { Delivered = i };
                }

                continue;
            }

            var pieces = replies[i].Kind == ReplyKind.Text ? WeChatReplyPlan.Split(replies[i].Text ?? "") : [];
            for (var p = 0; p < Math.Max(1, pieces.Count); p++)
            {
                var piece = pieces.Count > 0 ? Reply.FromText(pieces[p]) : replies[i];
                var result = await api.SendCustomerMessageAsync(conversation.UserId, piece, cancellationToken);
                if (!result.IsOk)
                {
                    var outcome = result.ToSendOutcome() with { Delivered = p == 0 ? i : i + 1 };
                    return p == 0
                        ? outcome
                        : outcome with
                        {
                            Detail = $"{outcome.Detail}; part {p + 1} of a long reply",
                        };
                }
            }
        }

        return SendOutcome.Sent;
    }

    private async Task<(WeChatApiResult Outcome, string? MediaId)> UploadAsync(
        string photoId,
        ReplyKind kind,
        CancellationToken ct
    ) =>
        await photos.GetAsync(photoId, ct) is { } photo
            ? await media.UploadAsync(photo.Content, photo.ContentType, kind == ReplyKind.Video ? "video" : "image", ct)
            : (WeChatApiResult.Failure($"{photoId} is not kept"), null);
}
