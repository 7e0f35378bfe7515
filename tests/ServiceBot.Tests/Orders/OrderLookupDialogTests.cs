using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Orders.OrderFixtures;

namespace ServiceBot.Tests.Orders;

public sealed class OrderLookupDialogTests
{
    private static async Task<TestFlow> FlowWithAsync(params Order[] orders)
    {
        var flow = new TestFlow(services => services.AddOrders()) { Conversation = new("wechat", "oMe") };
        var store = flow.Services.GetRequiredService<OrderStore>();
        foreach (var order in orders)
        {
            await store.PutAsync(order, TestContext.Current.CancellationToken);
        }

        return flow;
    }

    private sealed class PageLinks : IConsentLinks
    {
        public Uri? For(ServiceBot.Services.Conversations.ConversationReference customer, NoticeTopic topic) =>
            new("https://bot.example/subscribe?topic=delivery");
    }

    private static async Task<TestFlow> FlowWithOffersAsync(params Order[] orders)
    {
        var flow = new TestFlow(services =>
            services
                .AddOrders()
                .AddNotices()
                .AddNotificationSettings()
                .AddSingleton<IConsentLinks, PageLinks>()
                .AddSingleton(Moq.Mock.Of<ServiceBot.Services.Conversations.Delivery.ISubscribeMessageSender>())
        )
        {
            Conversation = new("wechat", "oMe"),
        };
        var store = flow.Services.GetRequiredService<OrderStore>();
        foreach (var order in orders)
        {
            await store.PutAsync(order, TestContext.Current.CancellationToken);
        }

        return flow;
    }

    [Fact]
    public async Task AParcelOnItsWay_ComesWithAnOfferOfDeliveryNotices_UntilTheCustomerTakesThem() =>
        await (await FlowWithOffersAsync(Shipped("A1001", "oMe")))
            .Send("我的快递到哪了")
            .ExpectReply(
                "想在包裹派送和签收时收到通知吗？回复“通知”开启，或点这里：https://bot.example/subscribe?topic=delivery"
            )
            .Send("通知")
            .ExpectReply("物流通知")
            .Send("1")
            .ExpectReply("已开启物流通知")
            .Send("我的快递到哪了")
            .ExpectReply("订单 A1001", absent: "想在包裹派送")
            .RunAsync();

    [Fact]
    public async Task ADeliveredParcel_ComesWithNoOffer() =>
        await (await FlowWithOffersAsync(Delivered("B2002", "oMe")))
            .Send("where is my parcel?")
            .ExpectReply("Delivered: 22 Nov 10:00", absent: "Want to hear")
            .RunAsync();

    [Fact]
    public async Task NoOrders_SaysSo_AndAsksForAnOrderNumber() =>
        await (await FlowWithAsync())
            .Send("查订单")
            .ExpectReply("没有找到您名下的订单")
            .Send("where is my order")
            .ExpectReply("couldn't find any orders")
            .RunAsync();

    [Fact]
    public async Task OneOrder_IsShownAtOnce_WithItemsCarrierTrackingAndLatestScanInLocalTime() =>
        await (await FlowWithAsync(Shipped("A1001", "oMe")))
            .Send("我的快递到哪了")
            .ExpectReply(
                "订单 A1001（2026年11月22日下单）\n状态：已发货\n商品：保温杯 ×1，杯盖 ×2\n快递：顺丰 SFA1001\n物流：派送中 · 上海浦东 · 11月23日 08:00"
            )
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Fact]
    public async Task OneOrder_InEnglish_IsShownInEnglish_WithDeliveryTime() =>
        await (await FlowWithAsync(Delivered("B2002", "oMe")))
            .Send("where is my parcel?")
            .ExpectReply(
                "Order B2002 (placed 20 Nov 2026)\nStatus: delivered\nItems: 电热水壶 ×1\nCarrier: 中通 "
                    + "ZTB2002\nTracking: delivered\nDelivered: 22 Nov 10:00"
            )
            .RunAsync();

    [Fact]
    public async Task SeveralOrders_AreListedMostRecentFirst_AndPickedByNumber() =>
        await (await FlowWithAsync(Delivered("OLD-1", "oMe", daysAgo: 9), Shipped("NEW-2", "oMe", daysAgo: 1)))
            .SendEvent("CLICK", "ORDER_STATUS")
            .ExpectReply("1. NEW-2")
            .Send("第二个")
            .ExpectReply("订单 OLD-1")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Theory]
    [InlineData("2")]
    [InlineData("二")]
    [InlineData("OLD-1")]
    [InlineData("就是OLD-1这个")]
    public async Task SeveralOrders_PickedByNumberOrId_InChinese(string pick) =>
        await (await FlowWithAsync(Delivered("OLD-1", "oMe", daysAgo: 9), Shipped("NEW-2", "oMe", daysAgo: 1)))
            .Send("查订单")
            .ExpectReply("您最近的订单")
            .Send(pick)
            .ExpectReply("订单 OLD-1")
            .RunAsync();

    [Theory]
    [InlineData("the second one")]
    [InlineData("2nd")]
    [InlineData("two")]
    public async Task SeveralOrders_PickedByOrdinal_InEnglish(string pick) =>
        await (await FlowWithAsync(Delivered("OLD-1", "oMe", daysAgo: 9), Shipped("NEW-2", "oMe", daysAgo: 1)))
            .Send("track my order")
            .ExpectReply("Your recent orders")
            .Send(pick)
            .ExpectReply("Order OLD-1")
            .RunAsync();

    [Fact]
    public async Task BadAnswerAtThePick_IsAskedAgain_ThenTheDialogLetsGo() =>
        await (await FlowWithAsync(Delivered("OLD-1", "oMe", daysAgo: 9), Shipped("NEW-2", "oMe", daysAgo: 1)))
            .Send("查订单")
            .ExpectReply("您最近的订单")
            .Send("第九个")
            .ExpectReply("请回复 1 到 2 之间的序号")
            .Send("随便")
            .ExpectReply("我还是没看明白")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Fact]
    public async Task CancelAtThePick_EndsTheLookup() =>
        await (await FlowWithAsync(Delivered("OLD-1", "oMe", daysAgo: 9), Shipped("NEW-2", "oMe", daysAgo: 1)))
            .Send("查订单")
            .ExpectReply("您最近的订单")
            .Send("取消")
            .ExpectReply("已取消")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .Send("第二个")
            .ExpectReply("没有看懂")
            .RunAsync();

    [Fact]
    public async Task SomeoneElsesOrderId_GetsTheSameAnswerAsAMissingOne()
    {
        var flow = await FlowWithAsync(Shipped("A1001", "oMe"), Shipped("X9999", "oSomeoneElse"));

        await flow.Send("查订单 X9999")
            .ExpectReply("没有找到订单 X9999。请核对订单号；只能查询您本人的订单。")
            .Send("查订单 Z0000")
            .ExpectReply("没有找到订单 Z0000。请核对订单号；只能查询您本人的订单。")
            .RunAsync();
    }

    [Fact]
    public async Task SomeoneElsesOrderId_AtThePick_IsNotShownEither() =>
        await (
            await FlowWithAsync(
                Delivered("OLD-1", "oMe", daysAgo: 9),
                Shipped("NEW-2", "oMe", daysAgo: 1),
                Shipped("X9999", "oSomeoneElse")
            )
        )
            .Send("查订单")
            .ExpectReply("您最近的订单")
            .Send("X9999")
            .ExpectReply("没有找到订单 X9999")
            .RunAsync();
}
