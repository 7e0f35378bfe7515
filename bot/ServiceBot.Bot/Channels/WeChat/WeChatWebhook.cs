using System.Globalization;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
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
    ProactiveMessenger messenger,
    NoticeOutbox outbox,
    BackgroundTurns background,
    TimeProvider time,
    ILogger<WeChatWebhook> logger)
{
    private const string Success = "success";

    private const string Channel = "wechat";

    /// <summary>How long a turn that was answered "success" keeps being retried while the store is unreachable.</summary>
    private static readonly TimeSpan StorageOutageRetry = TimeSpan.FromMinutes(10);

    /// <summary>Tries at pushing a reply while WeChat is busy or down: after 2, 4, 8, 16 and 32 s.</summary>
    private const int PushAttempts = 6;

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
            WeChatLog.ReplyDeferred(logger, activity.Id, activity.Conversation.UserId);
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
            background.Track(() => PushOwedAsync(activity, pushed));
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
            background.Track(() => PushWhenDoneAsync(activity, turn, delivery));
            return Results.Text(Success, "text/plain");
        }
    }

    private async Task PushWhenDoneAsync(Activity activity, Task<TurnResult> turn, TurnDelivery delivery)
    {
        TurnResult result;
        try
        {
            result = await turn;
        }
        catch (Exception e) when (e is StorageUnavailableException or StorageConflictException)
        {
            // WeChat was told "success" and will not send it again: the turn is retried here until the store is back
            // (or, after an outage, until the customer's other retried messages stop winning every save).
            if (await RetryUntilStoredAsync(activity, delivery, e) is not { } retried)
            {
                return;
            }

            result = retried;
            if (result.IsReplay && result.Replies.Count == 0 && result.OwedReplies is not { Count: > 0 } && delivery.UnconfirmedReplies is { Count: > 0 } unconfirmed)
            {
                // An earlier try's save was stored after all, and the customer's next messages have since
                // moved its replies out of the record: they are the ones this "success" owes.
                result = result with { Replies = unconfirmed };
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            WeChatLog.TurnFailed(logger, e, activity.Id);
            return;
        }

        // This request answered "success", so it owes the reply. A replay means an earlier handling saved
        // the turn but its answer never reached WeChat (WeChat sends a message again only when it got no
        // answer): what that handling would have answered (a passive reply, or one it was to push) is owed
        // here, and the outbox key makes sure it goes once, whoever else believes they owe it.
        await PushOwedAsync(activity, WeChatReplyPlan.Merge(result.IsReplay ? [.. result.Replies, .. result.OwedReplies ?? []] : result.Replies));
    }

    // The message was never claimed, or its save was stored without an answer: running it again is safe
    // (it then finds itself handled). Backs off from 1 s to 30 s, for up to StorageOutageRetry. Each try
    // runs on the deferred delivery, which so keeps the replies of the latest save that may have been
    // stored unannounced (only one save of a message can be stored: the tries after it are replays).
    private async Task<TurnResult?> RetryUntilStoredAsync(Activity activity, TurnDelivery delivery, Exception failure)
    {
        var giveUpAt = time.GetUtcNow() + StorageOutageRetry;
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            if (failure is StorageConflictException)
            {
                WeChatLog.TurnWaitsForConflict(logger, activity.Id, attempt);
            }
            else
            {
                WeChatLog.TurnWaitsForStorage(logger, activity.Id, failure.Message, attempt);
            }

            await Task.Delay(delay, time);
            try
            {
                return await turns.ProcessAsync(activity, delivery, CancellationToken.None);
            }
            // A conflict is retried too: when the store comes back, every instance retries its deferred turns at
            // once, and a customer's several messages can each lose all their saves to the others (CI saw one
            // give up after 5 and its reply never pushed). A lost save claimed nothing, so running again is safe.
            catch (Exception e) when (e is StorageUnavailableException or StorageConflictException && time.GetUtcNow() < giveUpAt)
            {
                failure = e;
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WeChatLog.TurnFailed(logger, e, activity.Id);
                return null;
            }
        }
    }

    // Pushed replies go out once per message (an outbox key, across retries and instances), and are
    // tried again while WeChat is busy or down (past the outbox's own quick retries), or the store
    // cannot record the send; a retry sends only the replies WeChat has not taken.
    private async Task PushOwedAsync(Activity activity, IReadOnlyList<Reply> replies)
    {
        if (replies.Count == 0)
        {
            WeChatLog.PushSettled(logger, activity.Id, 0, null);
            return;
        }

        var key = "reply:" + activity.Id;
        var delay = TimeSpan.FromSeconds(2);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            try
            {
                var result = await outbox.SendOnceAsync(activity.Conversation, key,
                    (delivered, ct) => messenger.TryOnceAsync(activity.Conversation, [.. replies.Skip(delivered)], ct), CancellationToken.None);
                WeChatLog.PushSettled(logger, activity.Id, replies.Count, result.Verdict);
                if (result.Verdict == OutboxVerdict.Sent)
                {
                    TurnMetrics.Delivered(Channel, "pushed", replies.Count);
                    return;
                }

                if (result is { Verdict: OutboxVerdict.Unanswered, Send: { } silent })
                {
                    WeChatLog.PushFailed(logger, activity.Id, $"{silent.Status}: not sent again, WeChat may have it");
                    return;
                }

                if (result.Verdict != OutboxVerdict.NotSent)
                {
                    return; // sent, being sent, or cut off by a crash elsewhere: not this attempt's to send
                }

                failure = result.Send!.Status.ToString();
                if (!result.Send.IsTransient)
                {
                    WeChatLog.PushFailed(logger, activity.Id, failure);
                    return;
                }
            }
            catch (StorageUnavailableException)
            {
                failure = "store unreachable";
            }

            if (attempt >= PushAttempts)
            {
                WeChatLog.PushFailed(logger, activity.Id, failure);
                return;
            }

            await Task.Delay(delay, time);
            delay *= 2;
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
