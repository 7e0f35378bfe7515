using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Conversations.Delivery;

internal static partial class DeliveryLog
{
    [LoggerMessage(1002, LogLevel.Warning, "Proactive send to {Channel}/{User} was not delivered: {Outcome}")]
    public static partial void ProactiveNotDelivered(ILogger logger, string channel, string user, SendStatus outcome);
}
