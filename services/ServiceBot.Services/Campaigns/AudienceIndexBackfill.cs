using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Campaigns;

/// <summary>
/// Builds the audience indexes (customers by SKU, customers by consent) once for a store that has
/// orders and conversations from before they existed, then marks the store. A fresh store is
/// marked at once; from then on the indexes are kept as orders and consents are written.
/// </summary>
internal sealed partial class AudienceIndexBackfill(
    IDocumentStore store,
    OrderStore orders,
    ConsentIndex consents,
    ConversationStateStore conversations,
    ILogger<AudienceIndexBackfill> logger
) : IHostedService
{
    private const string MarkerKey = "audience/built";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(MarkerKey, cancellationToken) is not null)
        {
            return;
        }

        var orderCount = 0;
        await foreach (var order in orders.AllAsync(cancellationToken))
        {
            await orders.IndexAsync(order, cancellationToken);
            orderCount++;
        }

        var consenting = 0;
        await foreach (var key in store.ListKeysAsync("conversations/", cancellationToken))
        {
            var parts = key.Split('/');
            if (parts.Length != 3)
            {
                continue;
            }

            var customer = new ConversationReference(parts[1], parts[2]);
            var record = Consents.Of((await conversations.LoadAsync(customer, cancellationToken)).Record);
            foreach (
                var topic in Enum.GetValues<NoticeTopic>()
                    .Where(t => record.IsOptedIn(t) || record.OneTimeAvailable(t) > 0)
            )
            {
                await consents.AddAsync(customer.UserId, topic, cancellationToken);
                consenting++;
            }
        }

        await store.TryWriteAsync(MarkerKey, "1"u8.ToArray(), WriteCondition.None, cancellationToken);
        if (orderCount > 0 || consenting > 0)
        {
            Built(logger, orderCount, consenting);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Audience indexes built for {Orders} existing orders and {Consents} existing consents."
    )]
    private static partial void Built(ILogger logger, int orders, int consents);
}
