using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Orders.OrderFixtures;

namespace ServiceBot.Tests.Campaigns;

/// <summary>
/// The indexes a campaign finds its audience in: customers by SKU (kept with the orders) and by
/// consent (kept with the turns that grant and withdraw it), and the one-time build for a store
/// from before them.
/// </summary>
public sealed class AudienceIndexTests
{
    private static readonly DateTimeOffset Ever = DateTimeOffset.MinValue;

    private readonly InMemoryDocumentStore _store = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HashSet<string>> BuyersAsync(params string[] skus) =>
        new OrderStore(_store).CustomersWhoOrderedAsync(skus, Ever, DateTimeOffset.MaxValue, Ct);

    [Fact]
    public async Task AnOrder_ListsItsCustomerUnderEachSku_WithinTheTimeWindow()
    {
        var orders = new OrderStore(_store);
        await orders.PutAsync(Shipped("A1", "oAnn", daysAgo: 5), Ct);
        await orders.PutAsync(Delivered("B1", "oBob", daysAgo: 40), Ct);

        Assert.Equal(["oAnn"], await BuyersAsync("CUP-1"));
        Assert.Equal(["oAnn"], await BuyersAsync("LID-1", "NOTHING"));
        Assert.Equal(["oAnn", "oBob"], (await BuyersAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(["oAnn"], await orders.CustomersWhoOrderedAsync([], Now.AddDays(-30), Now, Ct));
        Assert.Empty(await orders.CustomersWhoOrderedAsync(["CUP-1"], Now.AddDays(-3), Now, Ct));
    }

    [Fact]
    public async Task Cancelling_ChangingItems_OrMovingAnOrder_TakesTheOldEntriesAway()
    {
        var orders = new OrderStore(_store);
        var order = Shipped("A1", "oAnn");
        await orders.PutAsync(order, Ct);

        await orders.PutAsync(order with { Items = [new OrderItem("PAN-9", "锅", 1, 199m)] }, Ct);
        Assert.Empty(await BuyersAsync("CUP-1"));
        Assert.Equal(["oAnn"], await BuyersAsync("PAN-9"));

        await orders.PutAsync(order with { OpenId = "oBob", Items = [new OrderItem("PAN-9", "锅", 1, 199m)] }, Ct);
        Assert.Equal(["oBob"], await BuyersAsync("PAN-9"));

        await orders.UpdateAsync("A1", o => o with { Status = OrderStatus.Cancelled }, Ct);
        Assert.Empty(await BuyersAsync());
    }

    [Fact]
    public async Task AnySkuText_IsIndexed_SpacesSlashesAndChinese()
    {
        var orders = new OrderStore(_store);
        await orders.PutAsync(
            Shipped("A1", "oAnn") with
            {
                Items = [new OrderItem("保温杯 / 白色..", "杯", 1, 1m)],
            },
            Ct
        );

        Assert.Equal(["oAnn"], await BuyersAsync("保温杯 / 白色.."));
        Assert.Empty(await BuyersAsync("保温杯"));
    }

    [Fact]
    public async Task OptingIn_ListsTheCustomer_BeforeTheConsentIsSaved_AndTDTakesThemOff()
    {
        var flow = new TestFlow(services => services.AddOrders().AddNotificationSettings(), _store);
        var index = new ConsentIndex(_store, new ConversationStateStore(_store));

        await flow.Send("通知").ExpectReply("您的通知设置").RunAsync();
        var before = _store.Written.Count;
        await flow.Send("2").ExpectReply("已开启优惠活动通知").RunAsync();
        Assert.Equal(["audience/consent/promotion/user-1", "conversations/test/user-1"], _store.Written.Skip(before));
        Assert.Equal(["user-1"], await index.CustomersAsync(NoticeTopic.Promotion, Ct));
        Assert.Empty(await index.CustomersAsync(NoticeTopic.Delivery, Ct));

        await flow.Send("TD").ExpectReply("已退订").RunAsync();
        Assert.Empty(await index.CustomersAsync(NoticeTopic.Promotion, Ct));
    }

    [Fact]
    public async Task TheBuild_IndexesOrdersAndConsentsFromBefore_Once()
    {
        var orders = new OrderStore(_store);
        await orders.PutAsync(Shipped("A1", "oAnn"), Ct);
        var conversations = new ConversationStateStore(_store);
        var record = new ConversationRecord();
        Consents.Property.Set(record, Consents.None.Grant(new OneTimeConsent(NoticeTopic.Delivery, "tpl", Now)));
        await conversations.TrySaveAsync(new ConversationReference("wechat", "oAnn"), record, null, Ct);
        await foreach (var key in _store.ListKeysAsync("audience/", Ct))
        {
            await _store.DeleteAsync(key, Ct); // as a store from before the indexes
        }

        var index = new ConsentIndex(_store, conversations);
        var build = new AudienceIndexBackfill(
            _store,
            orders,
            index,
            conversations,
            NullLogger<AudienceIndexBackfill>.Instance
        );
        await build.StartAsync(Ct);

        Assert.Equal(["oAnn"], await BuyersAsync("CUP-1"));
        Assert.Equal(["oAnn"], await index.CustomersAsync(NoticeTopic.Delivery, Ct));
        Assert.Empty(await index.CustomersAsync(NoticeTopic.Promotion, Ct));

        await _store.DeleteAsync(StorageKey.Join("audience", "consent", "delivery", "oAnn"), Ct);
        await build.StartAsync(Ct);
        Assert.Empty(await index.CustomersAsync(NoticeTopic.Delivery, Ct)); // built once, not again at every start
    }
}
