using Mediator;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// Who may be consenting to a topic: one key per customer (<c>audience/consent/{topic}/{openId}</c>),
/// so a campaign preview lists the candidates instead of reading every customer's conversation.
/// It is a superset of the truth: an entry is written before the consent is saved and removed only
/// after a withdrawal is saved, and the policy still decides on the conversation itself.
/// </summary>
internal sealed class ConsentIndex(IDocumentStore store, ConversationStateStore conversations)
    : INotificationHandler<ConsentGranted>,
        INotificationHandler<ConsentWithdrawn>
{
    private const string Root = "audience";

    private const string ByConsent = "consent";

    // The key is the entry; the content only has to be non-empty on every store.
    private static readonly byte[] Marker = "1"u8.ToArray();

    public async ValueTask Handle(ConsentGranted granted, CancellationToken cancellationToken)
    {
        foreach (var topic in granted.Topics)
        {
            await AddAsync(granted.Customer.UserId, topic, cancellationToken);
        }
    }

    public async ValueTask Handle(ConsentWithdrawn withdrawn, CancellationToken cancellationToken)
    {
        // Read again: a grant that came in since the withdrawal keeps the entry.
        var consents = Consents.Of((await conversations.LoadAsync(withdrawn.Customer, cancellationToken)).Record);
        foreach (var topic in withdrawn.Topics.Where(t => !consents.IsOptedIn(t) && consents.OneTimeAvailable(t) == 0))
        {
            await store.DeleteAsync(KeyOf(topic, withdrawn.Customer.UserId), cancellationToken);
        }
    }

    public Task AddAsync(string openId, NoticeTopic topic, CancellationToken cancellationToken) =>
        store.TryWriteAsync(KeyOf(topic, openId), Marker, WriteCondition.None, cancellationToken);

    /// <summary>The customers listed for <paramref name="topic"/>.</summary>
    public async Task<HashSet<string>> CustomersAsync(NoticeTopic topic, CancellationToken cancellationToken)
    {
        var prefix = StorageKey.Join(Root, ByConsent, Segment(topic)) + "/";
        var customers = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in store.ListKeysAsync(prefix, cancellationToken))
        {
            customers.Add(key[prefix.Length..]);
        }

        return customers;
    }

    private static string KeyOf(NoticeTopic topic, string openId) =>
        StorageKey.Join(Root, ByConsent, Segment(topic), openId);

    private static string Segment(NoticeTopic topic) => topic.ToString().ToLowerInvariant();
}
