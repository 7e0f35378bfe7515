using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench;

/// <summary>
/// A campaign to N customers on the embedded store: preview, then the whole paged fan-out, each
/// against a storage floor measured in the same run (the reads and writes the step cannot avoid,
/// with no policy, ledger logic or JSON of our own around them).
/// </summary>
internal static class CampaignBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai

    public sealed record Result(
        int Customers,
        int Audience,
        double PreviewSeconds,
        double PreviewFloorSeconds,
        int WouldSend,
        double FanOutSeconds,
        double FanOutFloorSeconds,
        int Sent,
        int ChannelCalls
    );

    public static async Task<Result> RunAsync(IDocumentStore store, int customers)
    {
        var time = new FixedTime(Now);
        await SeedAsync(store, customers);
        var channel = new CountingChannel();
        var sender = new NoticeSender(
            new ConversationStateStore(store),
            new NoticeLedger(store),
            new SendOnceOutbox(store, time),
            new NoticePolicy(new PolicyOptions()),
            new ProactiveMessenger([channel], SendRetry.None, NullLogger<ProactiveMessenger>.Instance),
            new CountingChannel(),
            [],
            Options.Create(new SubscribeTemplateOptions()),
            Options.Create(new TemplateMessageOptions()),
            time
        );
        var campaigns = new CampaignStore(store);
        var runner = new CampaignRunner(
            campaigns,
            new CampaignAudienceFinder(new OrderStore(store)),
            sender,
            new NoticeLedger(store),
            new ConsentIndex(store, new ConversationStateStore(store)),
            time
        );
        var campaign = new Campaign("bench", "冬季特惠", "全场 8 折", null, Now, new CampaignAudience(["MUG-1"], 30));
        await campaigns.CreateAsync(campaign, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var preview = await runner.PreviewAsync(campaign, CancellationToken.None);
        var previewSeconds = clock.Elapsed.TotalSeconds;
        var previewFloor = await FloorAsync(store, withWrites: false);

        clock.Restart();
        while (await runner.RunStepAsync("bench", CancellationToken.None) is not null) { }

        var fanOutSeconds = clock.Elapsed.TotalSeconds;
        var fanOutFloor = await FloorAsync(store, withWrites: true);
        var progress = (await campaigns.GetProgressAsync("bench", CancellationToken.None))!;
        return new Result(
            customers,
            preview.Audience,
            previewSeconds,
            previewFloor,
            preview.WouldSend,
            fanOutSeconds,
            fanOutFloor,
            progress.Sent,
            channel.Calls
        );
    }

    // Every customer bought the mug; a third opted in to promotions and wrote an hour ago.
    private static async Task SeedAsync(IDocumentStore store, int customers)
    {
        var orders = new OrderStore(store);
        var conversations = new ConversationStateStore(store);
        var consents = new ConsentIndex(store, conversations);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, customers),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
            {
                var openId = $"o{i:D7}";
                await orders.PutAsync(
                    new Order(
                        $"B{i:D7}",
                        openId,
                        Now.AddDays(-1 - i % 20),
                        OrderStatus.Delivered,
                        [new OrderItem("MUG-1", "杯子", 1, 59m)],
                        null
                    ),
                    ct
                );
                if (i % 3 == 0)
                {
                    var record = new ConversationRecord
                    {
                        LastUserMessageAt = Now.AddHours(-1),
                        LastUserActivityAt = Now.AddHours(-1),
                    };
                    Consents.Property.Set(
                        record,
                        Consents.None.With(
                            new ConsentChange(
                                NoticeTopic.Promotion,
                                true,
                                Now.AddDays(-2),
                                ConsentSource.Dialog,
                                "shown"
                            )
                        )
                    );
                    // as the opt-in turn does, before its save
                    await consents.AddAsync(openId, NoticeTopic.Promotion, ct);
                    await conversations.TrySaveAsync(new ConversationReference("wechat", openId), record, null, ct);
                }
            }
        );
    }

    // The storage a step cannot avoid. Preview: list the audience (customers by SKU) and the
    // consenting customers, and read the conversation and ledger of each consenting one. Fan-out:
    // the same for everyone in the audience (each decision is recorded), append each decision to
    // the ledger and, for the third that is sent, claim the key and mark it sent.
    private static async Task<double> FloorAsync(IDocumentStore store, bool withWrites)
    {
        var clock = Stopwatch.StartNew();
        var customers = new List<string>();
        await foreach (var key in store.ListKeysAsync("audience/sku/", CancellationToken.None))
        {
            customers.Add(key.Split('/')[3]);
        }

        var consenting = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in store.ListKeysAsync("audience/consent/promotion/", CancellationToken.None))
        {
            consenting.Add(key.Split('/')[3]);
        }

        var payload = new byte[200];
        if (!withWrites)
        {
            // Read in bulk, pages of 500, as the preview does: the cheapest way the store offers.
            await Parallel.ForEachAsync(
                customers.Where(consenting.Contains).Chunk(500),
                new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (page, ct) =>
                {
                    await store.ReadManyAsync(
                        [.. page.Select(openId => StorageKey.Join("conversations", "wechat", openId))],
                        ct
                    );
                    await store.ReadManyAsync(
                        [.. page.Select(openId => StorageKey.Join("notices", "wechat", openId))],
                        ct
                    );
                }
            );
            return clock.Elapsed.TotalSeconds;
        }

        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (openId, ct) =>
        {
            await store.ReadAsync(StorageKey.Join("conversations", "wechat", openId), ct);
            await store.ReadAsync(StorageKey.Join("notices", "wechat", openId), ct);
            await store.TryWriteAsync(StorageKey.Join("floor-ledger", openId), payload, WriteCondition.None, ct);
            if (consenting.Contains(openId))
            {
                var claim = StorageKey.Join("floor-claims", openId);
                await store.TryWriteAsync(claim, payload, WriteCondition.IfAbsent, ct);
                await store.TryWriteAsync(claim, payload, WriteCondition.None, ct);
            }
        });
        return clock.Elapsed.TotalSeconds;
    }

    private sealed class CountingChannel : IChannelSender, ISubscribeMessageSender
    {
        private int _calls;

        public int Calls => _calls;

        public string Channel => "wechat";

        public Task<SendOutcome> SendAsync(
            ConversationReference conversation,
            IReadOnlyList<Reply> replies,
            CancellationToken cancellationToken
        )
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(SendOutcome.Sent);
        }

        public Task<SendOutcome> SendAsync(
            ConversationReference customer,
            string templateId,
            IReadOnlyDictionary<string, string> data,
            Uri? page,
            CancellationToken cancellationToken
        )
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(SendOutcome.Sent);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
