using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// The official-account webhook: verify → decrypt → parse → map → turn → reply, passively within
/// the reply budget, otherwise <c>success</c> now and the reply pushed when the turn ends.
/// Every rejection happens before the turn, so a hostile request changes nothing.
/// </summary>
internal sealed class WeChatWebhook(
    IOptions<WeChatOptions> options,
    WeChatVerifier verifier,
    ITurnProcessor turns,
    DeferredReplies deferred,
    SampledWarnings warnings,
    TimeProvider time,
    ILogger<WeChatWebhook> logger
)
{
    private const string Success = "success";

    private const string Channel = "wechat";

    public IResult Verify(HttpRequest request)
    {
        var q = request.Query;
        if (!verifier.SignatureValid(q) || q["echostr"].ToString() is not { Length: > 0 } echo)
        {
            return Reject(StatusCodes.Status401Unauthorized, "URL verification signature");
        }

        return Results.Text(echo, "text/plain");
    }

    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken requestAborted)
    {
        var q = request.Query;
        if (!verifier.SignatureValid(q))
        {
            return Reject(StatusCodes.Status401Unauthorized, "signature");
        }

        if (!verifier.TimestampFresh(q["timestamp"]))
        {
            return Reject(StatusCodes.Status401Unauthorized, "timestamp outside WeChat:MaxClockSkew");
        }

        var body = await WeChatBody.ReadAsync(request, options.Value.MaxBodyBytes, requestAborted);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, "body larger than the limit");
        }

        var encrypted = q["encrypt_type"] == "aes";
        if (!verifier.Accepts(encrypted))
        {
            return encrypted
                ? Reject(StatusCodes.Status400BadRequest, "encrypted request, but WeChat:MessageMode is Plain")
                : Reject(StatusCodes.Status401Unauthorized, "plaintext request, but WeChat:MessageMode is Safe");
        }

        if (!verifier.FirstOrSameBody(q["timestamp"].ToString(), q["nonce"].ToString(), body))
        {
            return Reject(StatusCodes.Status401Unauthorized, "timestamp and nonce seen before with another body");
        }

        Activity? activity;
        string bot;
        try
        {
            var xml = WeChatXml.Parse(body);
            if (encrypted)
            {
                if (!verifier.TryOpen(q, xml, out var inner, out var failure))
                {
                    return Reject(
                        failure == "msg_signature"
                            ? StatusCodes.Status401Unauthorized
                            : StatusCodes.Status400BadRequest,
                        failure
                    );
                }

                xml = WeChatXml.Parse(inner);
            }

            activity = WeChatActivityMapper.Map(xml);
            bot = xml["ToUserName"]!;
            if (activity is null)
            {
                WeChatLog.Unhandled(logger, xml["MsgType"] ?? "");
                return Results.Text(Success, "text/plain");
            }
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            return Reject(StatusCodes.Status400BadRequest, $"malformed message: {e.Message}");
        }

        if (q["openid"].ToString() is { Length: > 0 } openId && openId != activity.Conversation.UserId)
        {
            return Reject(StatusCodes.Status400BadRequest, "openid does not match FromUserName");
        }

        return await AnswerAsync(activity, bot, encrypted ? q["nonce"].ToString() : null, requestAborted);
    }

    private async Task<IResult> AnswerAsync(
        Activity activity,
        string bot,
        string? nonce,
        CancellationToken requestAborted
    )
    {
        var delivery = new TurnDelivery();
        // The turn must finish even if WeChat hangs up, so it does not take the request's token.
        var turn = turns.ProcessAsync(activity, delivery, CancellationToken.None);
        TurnResult result;
        try
        {
            result = await turn.WaitAsync(options.Value.ReplyBudget, time, requestAborted);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            WeChatLog.ReplyDeferred(logger, activity.Id, LogIds.Of(activity.Conversation.UserId));
            return Defer();
        }
        catch (StorageUnavailableException) when (delivery.UnconfirmedReplies is not null)
        {
            // The save may have been stored: a retry would find the message handled and, once the customer
            // wrote again, maybe not its replies. This delivery keeps the message and pushes them.
            WeChatLog.SaveUnconfirmed(logger, activity.Id);
            return Defer();
        }
        catch (StorageUnavailableException e)
        {
            // Not handled, not claimed: a 503 lets WeChat's retry try again.
            WeChatLog.TurnFailed(logger, e, activity.Id);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var replies = WeChatReplyPlan.ForPassive(result.Replies, out var pushed);
        if (pushed.Count > 0)
        {
            deferred.Push(activity, pushed);
        }

        if (replies is not null)
        {
            TurnMetrics.Delivered(Channel, "passive", 1);
        }

        return replies is null ? Results.Text(Success, "text/plain") : Render(replies, activity, bot, nonce);

        // Answers "success" now; the reply goes by push once the turn is done.
        IResult Defer()
        {
            delivery.MarkDeferred();
            deferred.PushWhenDone(activity, turn, delivery);
            return Results.Text(Success, "text/plain");
        }
    }

    private IResult Render(Reply reply, Activity activity, string bot, string? nonce)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var xml = WeChatReplyXml.Render(reply, activity.Conversation.UserId, bot, now);
        return Results.Text(nonce is null ? xml : verifier.Seal(xml, nonce, now), "application/xml", Encoding.UTF8);
    }

    private IResult Reject(int status, string reason)
    {
        // Sampled by kind (the reason up to its detail): anyone can send these.
        var kind = reason.Split(':')[0];
        if (warnings.ShouldWrite("wechat " + kind, out var skipped))
        {
            WeChatLog.Rejected(logger, reason, skipped);
        }

        return Results.StatusCode(status);
    }
}
