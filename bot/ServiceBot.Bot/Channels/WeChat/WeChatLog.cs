using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>WeChat channel log lines: ids and codes only, never message text, tokens or secrets.</summary>
internal static partial class WeChatLog
{
    [LoggerMessage(
        2001,
        LogLevel.Warning,
        "WeChat webhook rejected: {Reason} ({Skipped} more of this kind " + "since the last line)"
    )]
    public static partial void Rejected(ILogger logger, string reason, int skipped);

    [LoggerMessage(
        2002,
        LogLevel.Information,
        "WeChat {ActivityId} from {User} took longer than the reply budget; answering success and pushing the reply"
    )]
    public static partial void ReplyDeferred(ILogger logger, string activityId, string user);

    [LoggerMessage(2003, LogLevel.Error, "WeChat {ActivityId}: the turn failed")]
    public static partial void TurnFailed(ILogger logger, Exception exception, string activityId);

    [LoggerMessage(
        2011,
        LogLevel.Warning,
        "WeChat {ActivityId}: the store is unreachable ({Cause}); the turn is tried again (attempt {Attempt})"
    )]
    public static partial void TurnWaitsForStorage(ILogger logger, string activityId, string cause, int attempt);

    [LoggerMessage(
        2014,
        LogLevel.Warning,
        "WeChat {ActivityId}: its saves kept losing to other turns of the conversation; the turn runs again "
            + "(attempt {Attempt})"
    )]
    public static partial void TurnWaitsForConflict(ILogger logger, string activityId, int attempt);

    [LoggerMessage(2004, LogLevel.Warning, "WeChat {ActivityId}: pushing the reply failed with {Outcome}")]
    public static partial void PushFailed(ILogger logger, string activityId, string outcome);

    // Verdict null: nothing was owed. Passed as the enum, so nothing is formatted unless Debug is on.
    [LoggerMessage(2012, LogLevel.Debug, "WeChat {ActivityId}: {Count} replies owed by push: {Verdict}")]
    public static partial void PushSettled(ILogger logger, string activityId, int count, OutboxVerdict? verdict);

    [LoggerMessage(
        2013,
        LogLevel.Warning,
        "WeChat {ActivityId}: the store did not confirm the turn's save; answering success and pushing the "
            + "reply once the store answers"
    )]
    public static partial void SaveUnconfirmed(ILogger logger, string activityId);

    [LoggerMessage(2005, LogLevel.Information, "WeChat access token refreshed; reused for {Seconds} s")]
    public static partial void TokenRefreshed(ILogger logger, int seconds);

    [LoggerMessage(
        2006,
        LogLevel.Warning,
        "WeChat rejected the access token (errcode {ErrCode}); refreshing and retrying once"
    )]
    public static partial void TokenRejected(ILogger logger, int errCode);

    [LoggerMessage(
        2007,
        LogLevel.Error,
        "WeChat:AppSecret is not set: outbound WeChat API calls (customer-service, subscribe messages, "
            + "media) cannot be made"
    )]
    public static partial void NotConfigured(ILogger logger);

    [LoggerMessage(2008, LogLevel.Warning, "WeChat API {Api} answered errcode {ErrCode}")]
    public static partial void ApiError(ILogger logger, string api, int errCode);

    [LoggerMessage(2009, LogLevel.Error, "WeChat token endpoint failed: {Failure}")]
    public static partial void TokenFetchFailed(ILogger logger, string failure);

    [LoggerMessage(2010, LogLevel.Information, "WeChat message type {MsgType} is not handled; answered success")]
    public static partial void Unhandled(ILogger logger, string msgType);
}
