using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat.Api;

// Public (like the few other public types here): xUnit theories in the tests take it as a parameter.
public enum WeChatApiStatus
{
    Ok,

    /// <summary>40001, 40014, 42001: the access token was invalid or expired.</summary>
    TokenInvalid,

    /// <summary>45009, 45047: a quota was hit; retry later.</summary>
    Throttled,

    /// <summary>45015: the 48-hour customer-service window is closed.</summary>
    WindowClosed,

    /// <summary>43004: the user does not follow the account any more.</summary>
    Unfollowed,

    /// <summary>43101: the user has no one-time subscribe consent for the template.</summary>
    NoConsent,

    /// <summary>No AppSecret is configured, so nothing can be sent.</summary>
    NotConfigured,

    /// <summary>The API could not be reached, or answered 5xx: it did not take the call; worth trying later.</summary>
    Unavailable,

    /// <summary>
    /// The call went out and no answer came (timed out, or the connection broke): WeChat may have acted on it.
    /// </summary>
    Unanswered,

    /// <summary>WeChat refused for another reason (the errcode says which).</summary>
    Failed,
}

/// <summary>What the WeChat API said, reduced to what callers decide on.</summary>
internal sealed record WeChatApiResult(WeChatApiStatus Status, int ErrCode, string? ErrMsg)
{
    public static WeChatApiResult Ok { get; } = new(WeChatApiStatus.Ok, 0, null);

    /// <summary>The msgid WeChat answered a template (or subscribe) send with; its delivery report names it.</summary>
    public string? MsgId { get; init; }

    public bool IsOk => Status == WeChatApiStatus.Ok;

    public static WeChatApiResult FromErrCode(int errCode, string? errMsg) =>
        new(
            errCode switch
            {
                0 => WeChatApiStatus.Ok,
                40001 or 40014 or 42001 => WeChatApiStatus.TokenInvalid,
                45009 or 45047 => WeChatApiStatus.Throttled,
                45015 => WeChatApiStatus.WindowClosed,
                43004 => WeChatApiStatus.Unfollowed,
                43101 => WeChatApiStatus.NoConsent,
                _ => WeChatApiStatus.Failed,
            },
            errCode,
            errMsg
        );

    public static WeChatApiResult Failure(string reason) => new(WeChatApiStatus.Failed, -1, reason);

    public static WeChatApiResult Unreachable(string reason) => new(WeChatApiStatus.Unavailable, -1, reason);

    public static WeChatApiResult NoAnswer(string reason) => new(WeChatApiStatus.Unanswered, -1, reason);

    /// <summary>What a proactive send came to, channel-neutral.</summary>
    public SendOutcome ToSendOutcome() =>
        IsOk
            ? SendOutcome.Sent with
            {
                MessageId = MsgId,
            }
            : new SendOutcome(
                Status switch
                {
                    WeChatApiStatus.WindowClosed => SendStatus.WindowClosed,
                    WeChatApiStatus.Unfollowed => SendStatus.Unreachable,
                    WeChatApiStatus.Throttled => SendStatus.Throttled,
                    WeChatApiStatus.Unavailable => SendStatus.Unavailable,
                    WeChatApiStatus.Unanswered => SendStatus.Unanswered,
                    WeChatApiStatus.NoConsent => SendStatus.NoConsent,
                    _ => SendStatus.Failed,
                },
                $"{Status} ({ErrCode})"
            );
}

/// <summary>A downloaded media file, or why it could not be had.</summary>
internal sealed record MediaDownload(WeChatApiResult Outcome, byte[]? Content, string? ContentType)
{
    public static MediaDownload Failed(WeChatApiResult outcome, string? contentType = null) =>
        new(outcome, null, contentType);
}

/// <summary>Thrown when the access token cannot be obtained; carries the API's answer.</summary>
internal sealed class WeChatTokenException : Exception
{
    public WeChatTokenException()
    {
        Outcome = WeChatApiResult.Unreachable("token unavailable");
    }

    public WeChatTokenException(string message)
        : base(message)
    {
        Outcome = WeChatApiResult.Failure(message);
    }

    public WeChatTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
        Outcome = WeChatApiResult.Unreachable(message);
    }

    public WeChatTokenException(WeChatApiResult result)
        : base($"WeChat access token unavailable: {result.Status} ({result.ErrCode}).")
    {
        Outcome = result;
    }

    public WeChatApiResult Outcome { get; }
}
