using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Conversations;

internal static partial class ConversationsLog
{
    [LoggerMessage(1001, LogLevel.Information, "Conversation {Channel}/{UserId} changed elsewhere during a turn (attempt {Attempt}); running the turn again")]
    public static partial void SaveConflict(ILogger logger, string channel, string userId, int attempt);

    [LoggerMessage(1003, LogLevel.Information, "Dialog {DialogId} handed conversation {Channel}/{UserId} to a person: {Reason}")]
    public static partial void HandedOff(ILogger logger, string dialogId, string channel, string userId, string reason);
}
