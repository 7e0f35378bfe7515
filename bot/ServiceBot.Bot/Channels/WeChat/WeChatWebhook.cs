using System.Globalization;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
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
    ITurnProcessor turns,
    DeferredReplies deferred,
    TimeProvider time,
    ILogger<WeChatWebhook> logger)
{
    private const string Success = "success";

    private const string Channel = "wechat";

    private readonly WeChatCrypto? _crypto = options.Value.SafeModeEnabled
        ? new WeChatCrypto(options.Value.EncodingAESKey!, options.Value.AppId)
        : null;

    public IResult Verify(HttpRequest request)
    {
        var q = request.Query;
        if (!SignatureValid(q) || q["echostr"].ToString() is not { Length: > 0 } echo)
        {
            return Reject(StatusCodes.Status401Unauthorized, "URL verification signature");
        }

        return Results.Text(echo, "text/plain");
    }

    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken requestAborted)
    {
        var q = request.Query;
        if (!SignatureValid(q))
        {
            return Reject(StatusCodes.Status401Unauthorized, "signature");
        }

        if (!TimestampFresh(q["timestamp"]))
        {
            return Reject(StatusCodes.Status401Unauthorized, "timestamp outside WeChat:MaxClockSkew");
        }

        var body = await WeChatBody.ReadAsync(request, options.Value.MaxBodyBytes, requestAborted);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, "body larger than the limit");
        }

        var encrypted = q["encrypt_type"] == "aes";
        Activity? activity;
        string bot;
        try
        {
            var xml = WeChatXml.Parse(body);
            if (encrypted)
            {
                if (!TryOpenEnvelope(q, xml, out var inner, out var failure))
                {
                    return Reject(failure == "msg_signature" ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest, failure);
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

    private async Task<IResult> AnswerAsync(Activity activity, string bot, string? nonce, CancellationToken requestAborted)
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
        if (nonce is null || _crypto is null)
        {
            return Results.Text(xml, "application/xml", Encoding.UTF8);
        }

        var encrypted = _crypto.Encrypt(xml);
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        var signature = WeChatSignature.Compute(options.Value.Token, timestamp, nonce, encrypted);
        return Results.Text(WeChatReplyXml.Envelope(encrypted, signature, timestamp, nonce), "application/xml", Encoding.UTF8);
    }

    private bool TryOpenEnvelope(IQueryCollection q, WeChatXml envelope, out string inner, out string failure)
    {
        inner = "";
        if (_crypto is null)
        {
            failure = "safe mode is not configured (WeChat:EncodingAESKey)";
            return false;
        }

        if (envelope["Encrypt"] is not { Length: > 0 } cipher)
        {
            failure = "no Encrypt element";
            return false;
        }

        if (!WeChatSignature.Matches(q["msg_signature"], options.Value.Token, q["timestamp"].ToString(), q["nonce"].ToString(), cipher))
        {
            failure = "msg_signature";
            return false;
        }

        return _crypto.TryDecrypt(cipher, out inner, out failure);
    }

    private bool SignatureValid(IQueryCollection q) =>
        WeChatSignature.Matches(q["signature"], options.Value.Token, q["timestamp"].ToString(), q["nonce"].ToString());

    private bool TimestampFresh(string? timestamp)
    {
        if (options.Value.MaxClockSkew is not { } skew)
        {
            return true;
        }

        return long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) <= skew.TotalSeconds;
    }

    private IResult Reject(int status, string reason)
    {
        WeChatLog.Rejected(logger, reason);
        return Results.StatusCode(status);
    }
}
