using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Conversations;

/// <summary>The kernel's log lines; a customer is named by <see cref="LogIds"/>, never by their id.</summary>
internal static partial class ConversationsLog
{
    [LoggerMessage(
        1001,
        LogLevel.Information,
        "Conversation {Channel}/{User} changed elsewhere during a turn (attempt {Attempt}); running the turn again"
    )]
    public static partial void SaveConflict(ILogger logger, string channel, string user, int attempt);

    [LoggerMessage(
        1003,
        LogLevel.Information,
        "Dialog {DialogId} handed conversation {Channel}/{User} to a person: {Reason}"
    )]
    public static partial void HandedOff(ILogger logger, string dialogId, string channel, string user, string reason);
}
