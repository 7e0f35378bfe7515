using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Scheduling;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>
/// Forgets web chat visitors silent for <c>WebChat:RetentionDays</c>: their conversation, pending
/// messages, notice ledger and kept photos. Anonymous visitors cost storage for as long as they are
/// kept, and nobody can come back for them once their cookie is gone. A visitor still with a person
/// is left until the case ends.
/// </summary>
internal sealed partial class WebChatRetention(
    IDocumentStore store,
    ConversationStateStore conversations,
    WebChatOutbox outbox,
    NoticeLedger ledger,
    CustomerPhotos photos,
    IOptions<WebChatOptions> options,
    TimeProvider time,
    ILogger<WebChatRetention> logger
) : PeriodicSweep(time, logger)
{
    /// <summary>One pass over every web chat visitor; answers how many were forgotten.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = Time.GetUtcNow().AddDays(-options.Value.RetentionDays);
        var prefix = StorageKey.Join("conversations", WebChatEndpoints.Channel) + "/";
        var forgotten = 0;
        await foreach (var key in store.ListKeysAsync(prefix, cancellationToken))
        {
            var visitor = new ConversationReference(WebChatEndpoints.Channel, key[prefix.Length..]);
            var record = (await conversations.LoadAsync(visitor, cancellationToken)).Record;
            if (
                record.Owner == ConversationOwner.Bot
                && (record.LastUserActivityAt ?? DateTimeOffset.MinValue) < before
            )
            {
                await ForgetAsync(visitor, cancellationToken);
                forgotten++;
            }
        }

        if (forgotten > 0)
        {
            LogForgotten(Logger, forgotten, options.Value.RetentionDays);
        }

        return forgotten;
    }

    private async Task ForgetAsync(ConversationReference visitor, CancellationToken cancellationToken)
    {
        await outbox.DeleteAsync(visitor.UserId, cancellationToken);
        await ledger.DeleteAsync(visitor, cancellationToken);
        await photos.DeleteAllFromAsync(visitor, cancellationToken);

        // Last, so a sweep cut short finds the visitor again next time.
        await conversations.DeleteAsync(visitor, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} web chat visitors silent for {Days} days")]
    private static partial void LogForgotten(ILogger logger, int count, int days);
}
