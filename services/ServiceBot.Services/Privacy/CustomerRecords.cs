using System.Text.Json;
using System.Text.Json.Nodes;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Returns;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Privacy;

/// <summary>
/// Everything held about one customer, found by the keys the stores file it under: export it whole,
/// or erase it. Erasing keeps the minimal record the law wants kept: that they withdrew consent, and
/// when (the consent history, with a withdrawal added if they were still opted in). Orders and returns
/// are the merchant's business records: they stay, cut loose from the customer (no OpenID, phone
/// digits, conversation or photos). Cases with the customer go whole.
/// </summary>
internal sealed class CustomerRecords(
    IDocumentStore store,
    ConversationStateStore conversations,
    OrderStore orders,
    ReturnStore returns,
    TimeProvider time
)
{
    /// <summary>Every key that holds something about the customer, in key order.</summary>
    public async Task<IReadOnlyList<string>> KeysOfAsync(ConversationReference customer, CancellationToken ct)
    {
        var (channel, user) = (customer.Channel, customer.UserId);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        async Task AddAsync(string prefix, Func<string, bool>? belongs = null)
        {
            await foreach (var key in store.ListKeysAsync(prefix, ct))
            {
                if (belongs?.Invoke(key) ?? true)
                {
                    keys.Add(key);
                }
            }
        }

        foreach (var exact in (string[])[$"conversations/{channel}/{user}", $"notices/{channel}/{user}"])
        {
            if (await store.ReadAsync(exact, ct) is not null)
            {
                keys.Add(exact);
            }
        }

        await AddAsync($"notice-claims/{channel}/{user}/");
        await AddAsync($"webchat/outbox/{user}", k => k == $"webchat/outbox/{user}");
        await AddAsync($"photos/{channel}_{user}_");
        await AddAsync($"customers/{user}/");
        await AddAsync("audience/", k => k.Split('/').Contains(user));
        await AddAsync("callbacks/", k => k.EndsWith($".{channel}.{user}", StringComparison.Ordinal));
        await AddAsync("handoff/", k => k.EndsWith($".{channel}.{user}", StringComparison.Ordinal));
        foreach (var order in await orders.ListForCustomerAsync(user, int.MaxValue, ct))
        {
            keys.Add(StorageKey.Join("orders", order.OrderId));
        }

        foreach (var request in await returns.ListForCustomerAsync(user, ct))
        {
            keys.Add(StorageKey.Join("returns", request.RmaId));
        }

        return [.. keys];
    }

    /// <summary>Every document held about the customer: JSON as stored, anything else (photos) as Base64.</summary>
    public async Task<JsonObject> ExportAsync(ConversationReference customer, CancellationToken ct)
    {
        var documents = new JsonObject();
        foreach (var key in await KeysOfAsync(customer, ct))
        {
            if (await store.ReadAsync(key, ct) is not { } document)
            {
                continue;
            }

            documents[key] =
                document.Content.Span is [(byte)'{' or (byte)'[', ..] ? JsonNode.Parse(document.Content.Span)
                : document.Content.IsEmpty ? null
                : JsonValue.Create(Convert.ToBase64String(document.Content.Span));
        }

        return new JsonObject
        {
            ["customer"] = new JsonObject { ["channel"] = customer.Channel, ["userId"] = customer.UserId },
            ["exportedAt"] = time.GetUtcNow(),
            ["documents"] = documents,
        };
    }

    /// <summary>Erases what is held about the customer; answers how many documents went or were cut loose.</summary>
    public async Task<int> EraseAsync(ConversationReference customer, string why, CancellationToken ct)
    {
        var keys = await KeysOfAsync(customer, ct);
        var now = time.GetUtcNow();
        var proof = Consents.Of((await conversations.LoadAsync(customer, ct)).Record);
        foreach (var topic in Enum.GetValues<NoticeTopic>().Where(proof.IsOptedIn))
        {
            proof = proof.With(new ConsentChange(topic, false, now, ConsentSource.Erasure, why));
        }

        foreach (var key in keys)
        {
            switch (key.Split('/')[0])
            {
                case "orders":
                    await orders.UpdateAsync(
                        key["orders/".Length..],
                        o => o with { OpenId = null, PhoneTail = null },
                        ct
                    );
                    break;
                case "returns":
                    await returns.ForgetCustomerAsync(key["returns/".Length..], ct);
                    break;
                case "conversations":
                    break; // replaced below by the minimal record
                default:
                    await store.DeleteAsync(key, ct);
                    break;
            }
        }

        // Last: a cut-short erasure finds the customer's keys again and goes on.
        var minimal = new ConversationRecord();
        Consents.Property.Set(minimal, proof);
        await store.TryWriteAsync(
            ConversationStateStore.KeyOf(customer),
            JsonSerializer.SerializeToUtf8Bytes(minimal, ConversationJsonContext.Stored),
            WriteCondition.None,
            ct
        );
        return keys.Count;
    }
}
