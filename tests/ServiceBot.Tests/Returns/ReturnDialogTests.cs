using Microsoft.Extensions.DependencyInjection;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Returns;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Orders.OrderFixtures;

namespace ServiceBot.Tests.Returns;

public sealed class ReturnDialogTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 74, 70, 73, 70];
    private readonly Mock<IMediaDownloader> _media = new();
    private int _photos;

    public ReturnDialogTests() =>
        _media
            .Setup(m =>
                m.DownloadAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<MediaAttachment>(),
                    It.IsAny<long>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(
                (ConversationReference _, MediaAttachment media, long _, CancellationToken _) =>
                    media.MediaId == "not-an-image"
                        ? new DownloadedMedia("hello"u8.ToArray(), "image/jpeg", null)
                        : new DownloadedMedia(Jpeg, "image/jpeg", null)
            );

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TestFlow> FlowAsync(params Order[] orders)
    {
        var flow = new TestFlow(services =>
            services
                .AddOrders()
                .AddReturns()
                .AddNotices()
                .AddSingleton(_media.Object)
                .AddSingleton(Mock.Of<ServiceBot.Services.Conversations.Delivery.ISubscribeMessageSender>())
        )
        {
            Conversation = new("wechat", "oMe"),
        };
        flow.Time.SetUtcNow(Now);
        foreach (var order in orders)
        {
            await flow.Services.GetRequiredService<OrderStore>().PutAsync(order, Ct);
        }

        return flow;
    }

    private Activity Photo(TestFlow flow, string mediaId = "m") =>
        flow.NewMessage("") with
        {
            Kind = MessageKind.Image,
            Text = null,
            Id = $"photo-{Interlocked.Increment(ref _photos)}",
            Media = new MediaAttachment(mediaId, null, null, null),
        };

    private static async Task<IReadOnlyList<ReturnRequest>> ReturnsAsync(TestFlow flow) =>
        await flow.Services.GetRequiredService<ReturnStore>().ListAsync(null, Ct);

    [Fact]
    public async Task HappyPath_InChinese_OneDeliveredItem_OnePhoto()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe", daysAgo: 3));

        await flow.Send("收到的水壶坏了，我要退货")
            .ExpectReply("请选择退货原因")
            .Send("1")
            .ExpectReply("请拍下商品照片")
            .Deliver(Photo(flow))
            .ExpectReply("收到第 1 张")
            .Send("好了")
            .ExpectReply("请确认：\n订单 K1，商品 KETTLE-1\n原因：商品破损\n照片：1 张")
            .Send("确认")
            .ExpectReply("退货申请已提交，编号 R")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

        var request = Assert.Single(await ReturnsAsync(flow));
        Assert.Equal(
            ("K1", "KETTLE-1", "Arrived damaged", ReturnStatus.Requested),
            (request.OrderId, request.Sku, request.Reason, request.Status)
        );
        var photo = Assert.Single(request.Photos);
        Assert.Equal(("image/jpeg", (long)Jpeg.Length), (photo.ContentType, photo.Length));
        Assert.Equal(Jpeg, (await flow.Services.GetRequiredService<CustomerPhotos>().GetAsync(photo.Id, Ct))?.Content);
    }

    [Fact]
    public async Task AReturnIdAlreadyTaken_IsNeverIgnored_TheCustomerGetsAReturnOfTheirOwn()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe", daysAgo: 3));
        var store = flow.Services.GetRequiredService<ReturnStore>();
        // Another customer's returns hold the first id of every message this conversation could confirm with.
        for (var i = 1; i <= 12; i++)
        {
            var activity = new Activity
            {
                Id = $"msg-{i}",
                Type = ActivityType.Message,
                Conversation = flow.Conversation,
                Timestamp = Now,
            };
            var taken = new ReturnRequest(
                ReturnIds.For(activity, Now),
                "X9",
                "oOther",
                "CUP-1",
                "Other",
                ReturnStatus.Requested,
                [],
                Now,
                null,
                null,
                new ConversationReference("wechat", "oOther")
            );
            Assert.True(await store.CreateAsync(taken, Ct));
        }

        await flow.Send("收到的水壶坏了，我要退货")
            .ExpectReply("请选择退货原因")
            .Send("1")
            .ExpectReply("请拍下商品照片")
            .Deliver(Photo(flow))
            .ExpectReply("收到第 1 张")
            .Send("好了")
            .ExpectReply("请确认")
            .Send("确认")
            .ExpectReply("退货申请已提交，编号 R")
            .RunAsync();

        var mine = Assert.Single(await store.ListForCustomerAsync("oMe", Ct));
        Assert.Equal(("K1", "oMe"), (mine.OrderId, mine.OpenId));
        Assert.Equal(12, (await store.ListForCustomerAsync("oOther", Ct)).Count);
    }

    [Fact]
    public async Task HappyPath_InEnglish_PickOrderAndItem_FreeTextReason_ThreePhotosGoStraightToConfirm()
    {
        var twoItems = Delivered("K2", "oMe", daysAgo: 2) with
        {
            Items = [new OrderItem("CUP-1", "Cup", 1, 9m), new OrderItem("LID-1", "Lid", 1, 1m)],
        };
        var flow = await FlowAsync(Delivered("K1", "oMe", daysAgo: 5), twoItems);

        await flow.Send("I want to return something")
            .ExpectReply("Which order is it?\n1. K2")
            .Send("first")
            .ExpectReply("Which item?\n1. Cup\n2. Lid")
            .Send("the second one")
            .ExpectReply("What's wrong with it?")
            .Send("the lid does not close")
            .ExpectReply("Please send photos")
            .Deliver(Photo(flow))
            .ExpectReply("Got photo 1")
            .Deliver(Photo(flow))
            .ExpectReply("Got photo 2")
            .Deliver(Photo(flow))
            .ExpectReply("Please check:\nOrder K2, item LID-1\nReason: the lid does not close\nPhotos: 3")
            .Send("yes")
            .ExpectReply("Your return is in: R")
            .RunAsync();

        Assert.Equal(3, Assert.Single(await ReturnsAsync(flow)).Photos.Count);
    }

    [Fact]
    public async Task AnExchange_OfPartOfWhatWasBought_RunsTheSamePhotoFlow()
    {
        var three = Delivered("K3", "oMe", daysAgo: 2) with { Items = [new OrderItem("CUP-1", "保温杯", 3, 99m)] };
        var flow = await FlowAsync(three);

        await flow.Send("杯子坏了")
            .ExpectReply("您想怎么处理？\n1. 退货退款\n2. 换货\n3. 仅退款")
            .Send("2")
            .ExpectReply("这件商品您买了 3 件，要处理几件？")
            .Send("2")
            .ExpectReply("请选择退货原因")
            .Send("1")
            .ExpectReply("请拍下商品照片")
            .Deliver(Photo(flow))
            .ExpectReply("收到第 1 张")
            .Send("好了")
            .ExpectReply("商品 CUP-1 ×2\n原因：商品破损\n照片：1 张\n处理方式：换货")
            .Send("确认")
            .ExpectReply("换货申请已提交，编号 R")
            .RunAsync();

        var exchange = Assert.Single(await ReturnsAsync(flow));
        Assert.Equal((ReturnKind.Exchange, 2), (exchange.Kind, exchange.Quantity));
    }

    [Fact]
    public async Task ARefundOnly_SaidInTheOpeningWords_IsNotAskedAgain() =>
        await (await FlowAsync(Delivered("K1", "oMe", daysAgo: 3)))
            .Send("水壶坏了，我要仅退款")
            .ExpectReply("请选择退货原因")
            .Send("1")
            .ExpectReply("请拍下商品照片")
            .RunAsync();

    [Fact]
    public async Task NotDeliveredYet_IsToldWhy_AndOfferedAPerson() =>
        await (await FlowAsync(Shipped("S1", "oMe")))
            .Send("退货")
            .ExpectReply("还没有签收，签收后才能申请退货。\n需要人工帮忙吗？")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Fact]
    public async Task PastTheWindow_IsToldWhy() =>
        await (await FlowAsync(Delivered("K1", "oMe", daysAgo: 12)))
            .Send("return")
            .ExpectReply("more than 7 days ago")
            .RunAsync();

    [Fact]
    public async Task AnItemAlreadyReturned_CannotBeReturnedAgain()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe", daysAgo: 3));
        await flow.Send("退货")
            .ExpectReply("")
            .Send("2")
            .ExpectReply("")
            .Deliver(Photo(flow))
            .ExpectReply("")
            .Send("好了")
            .ExpectReply("")
            .Send("是的")
            .ExpectReply("已提交")
            .RunAsync();

        await flow.Send("退货").ExpectReply("这件商品已经申请过退货了").RunAsync();
        Assert.Single(await ReturnsAsync(flow));
    }

    [Fact]
    public async Task Cancel_WhileSendingPhotos_OpensNothing()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe"));

        await flow.Send("退货")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("")
            .Deliver(Photo(flow))
            .ExpectReply("收到第 1 张")
            .Send("取消")
            .ExpectReply("已取消")
            .Send("确认")
            .ExpectReply("没有看懂")
            .RunAsync();

        Assert.Empty(await ReturnsAsync(flow));
    }

    [Fact]
    public async Task No_AtTheConfirmation_OpensNothing()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe"));

        await flow.Send("退货")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("")
            .Deliver(Photo(flow))
            .ExpectReply("")
            .Send("好了")
            .ExpectReply("请确认")
            .Send("不用了")
            .ExpectReply("没有提交")
            .RunAsync();

        Assert.Empty(await ReturnsAsync(flow));
    }

    [Fact]
    public async Task BadInputAtEachPrompt_IsAskedAgainOnce()
    {
        var flow = await FlowAsync(
            Delivered("K1", "oMe", daysAgo: 3),
            Delivered("K2", "oMe", daysAgo: 2) with
            {
                Items = [new OrderItem("A", "甲", 1, 1m), new OrderItem("B", "乙", 1, 1m)],
            }
        );

        await flow.Send("退货")
            .ExpectReply("要退哪个订单")
            .Send("第九个")
            .ExpectReply("请回复 1 到 2 之间的序号")
            .Send("1")
            .ExpectReply("要退哪件商品")
            .Send("随便")
            .ExpectReply("选择要退的商品")
            .Send("2")
            .ExpectReply("请选择退货原因")
            .Deliver(Photo(flow))
            .ExpectReply("请回复 1 到 4")
            .Send("3")
            .ExpectReply("请拍下商品照片")
            .Send("好了")
            .ExpectReply("还需要至少一张照片")
            .Deliver(Photo(flow, "not-an-image"))
            .ExpectReply("这张照片没有收到")
            .Send("你好")
            .ExpectReply("请发送商品照片")
            .Deliver(Photo(flow))
            .ExpectReply("收到第 1 张")
            .Send("好了")
            .ExpectReply("发错货")
            .Send("也许吧")
            .ExpectReply("请回复“确认”提交")
            .Send("嗯")
            .ExpectReply("退货申请已提交")
            .RunAsync();

        Assert.Equal(("K2", "B"), (Assert.Single(await ReturnsAsync(flow)).OrderId, (await ReturnsAsync(flow))[0].Sku));
    }

    [Fact]
    public async Task TwoMissesInARow_LetGo() =>
        await (await FlowAsync(Delivered("K1", "oMe"), Delivered("K2", "oMe")))
            .Send("退货")
            .ExpectReply("要退哪个订单")
            .Send("哦")
            .ExpectReply("请回复")
            .Send("啊")
            .ExpectReply("我还是没看明白")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Fact]
    public async Task SomeoneElsesOrder_CannotBePicked()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe"), Delivered("K2", "oMe"), Delivered("X9", "oOther"));

        await flow.Send("退货").ExpectReply("要退哪个订单").Send("X9").ExpectReply("请回复 1 到 2").RunAsync();
        await flow.Send("取消").ExpectReply("").Send("退货 X9").ExpectReply("要退哪个订单").RunAsync();
    }

    [Fact]
    public async Task ARetriedPhotoMessage_IsStoredOnce()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe"));
        var photo = Photo(flow);

        await flow.Send("退货")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("")
            .Deliver(photo)
            .ExpectReply("收到第 1 张")
            .Deliver(photo)
            .ExpectReply("收到第 1 张")
            .Send("好了")
            .ExpectReply("照片：1 张")
            .RunAsync();

        _media.Verify(
            m =>
                m.DownloadAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<MediaAttachment>(),
                    It.IsAny<long>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
    }

    [Fact]
    public async Task MyReturns_ShowsEachReturnAndItsStatus()
    {
        var flow = await FlowAsync(Delivered("K1", "oMe"));
        await flow.Send("我的退货").ExpectReply("您还没有退货申请").RunAsync();
        await flow.Send("退货")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("")
            .Deliver(Photo(flow))
            .ExpectReply("")
            .Send("好了")
            .ExpectReply("")
            .Send("确认")
            .ExpectReply("")
            .RunAsync();

        await flow.Send("我的退货").ExpectReply("· K1 · 11月23日 · 审核中").RunAsync();
    }
}
