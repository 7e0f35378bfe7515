using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Notifications;

public sealed class NotificationSettingsTests
{
    private static TestFlow Flow() => new(services => services.AddOrders().AddNotificationSettings());

    private static Consents ConsentsOf(ConversationRecord record) => Consents.Of(record);

    [Fact]
    public Task OptIn_ToDeliveryNotices_IsRecordedWithTimeSourceAndTheTextShown()
    {
        var flow = Flow();
        return flow.Send("通知")
            .ExpectReply("物流通知：未开启")
            .Send("1")
            .ExpectReply("已开启物流通知")
            .ExpectState(r =>
            {
                var change = ConsentsOf(r).Latest(NoticeTopic.Delivery)!;
                Assert.True(change.OptedIn);
                Assert.Equal(flow.Time.GetUtcNow(), change.At);
                Assert.Equal(ConsentSource.Dialog, change.Source);
                Assert.Contains("回复 1 开启物流通知", change.Text, StringComparison.Ordinal);
                Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Promotion));
            })
            .Send("通知")
            .ExpectReply("物流通知：已开启（11月23日起）")
            .RunAsync();
    }

    [Fact]
    public Task AClearRequestForSomethingElse_LeavesTheSettings_InsteadOfAskingFor1To3() =>
        Flow()
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("我的快递到哪了")
            .ExpectReply("没有找到您名下的订单")
            .ExpectState(r =>
                Assert.DoesNotContain(r.DialogStack, f => f.DialogId == NotificationSettingsDialog.DialogId)
            )
            .RunAsync();

    [Fact]
    public Task TheOptIn_StatesTheCapsAndHoursAsConfigured() => new TestFlow(services =>
            services
                .AddOrders()
                .AddNotificationSettings()
                .Configure<PolicyOptions>(p =>
                {
                    p.PromotionsPerDay = 2;
                    p.PromotionsPerWeek = 5;
                    p.PromotionHours = new HoursOptions { Start = new TimeOnly(9, 30), End = new TimeOnly(21, 0) };
                })
        ).Send("通知").ExpectReply("优惠活动通知").Send("2").ExpectReply("每天最多 2 条，每周最多 5 条，只在 09:30–21:00 发送").RunAsync();

    [Fact]
    public Task FromTheMenu_InEnglish_PromotionsOnThenOff_SourceIsMenu() =>
        Flow()
            .Send("hello")
            .ExpectReply("Reply with a number")
            .SendEvent("CLICK", "NOTIFY_SETTINGS")
            .ExpectReply("Offers and promotions: off")
            .Send("2")
            .ExpectReply("Offers are on")
            .ExpectState(r => Assert.Equal(ConsentSource.Menu, ConsentsOf(r).Latest(NoticeTopic.Promotion)!.Source))
            .Send("notifications")
            .ExpectReply("Reply 1 to turn delivery updates on, 2 to turn offers off")
            .Send("the second one")
            .ExpectReply("Offers are off")
            .ExpectState(r => Assert.Equal([true, false], ConsentsOf(r).History.Select(c => c.OptedIn)))
            .RunAsync();

    [Fact]
    public Task Three_TurnsEverythingOff() =>
        Flow()
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("1")
            .ExpectReply("已开启物流通知")
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("第三个")
            .ExpectReply("两类通知都已关闭")
            .ExpectState(r => Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Delivery)))
            .RunAsync();

    [Fact]
    public Task BadAnswer_IsAskedOnce_ThenNothingChanges() =>
        Flow()
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("好的")
            .ExpectReply("请回复 1、2 或 3")
            .Send("嗯")
            .ExpectReply("设置没有改变")
            .ExpectState(r => Assert.Empty(ConsentsOf(r).History))
            .RunAsync();

    [Fact]
    public Task Cancel_MidWay_ChangesNothing() =>
        Flow()
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("取消")
            .ExpectReply("已取消")
            .ExpectState(r => Assert.Empty(ConsentsOf(r).History))
            .RunAsync();

    [Theory]
    [InlineData("TD")]
    [InlineData("td")]
    [InlineData("退订")]
    [InlineData("unsubscribe")]
    [InlineData("STOP")]
    [InlineData("ＴＤ")]
    [InlineData("ｔｄ！")]
    [InlineData("取消订阅")]
    [InlineData("不要再发")]
    public Task UnsubscribeWord_MidDialog_RevokesEverythingAtOnce(string word) =>
        Flow()
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("1")
            .ExpectReply("已开启物流通知")
            .Send("通知")
            .ExpectReply("您的通知设置")
            .Send("2")
            .ExpectReply("已开启优惠活动通知")
            .Send("查订单")
            .ExpectReply("没有找到您名下的订单")
            .Send(word)
            .ExpectReply("")
            .ExpectState(r =>
            {
                Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Delivery));
                Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Promotion));
                Assert.Equal(ConsentSource.Keyword, ConsentsOf(r).Latest(NoticeTopic.Promotion)!.Source);
            })
            .RunAsync();

    [Fact]
    public async Task Td_WhileAnAgentOwnsTheChat_StillRevokes()
    {
        var flow = Flow();
        await flow.Send("通知").ExpectReply("").Send("1").ExpectReply("已开启").RunAsync();
        var store = flow.Services.GetRequiredService<ConversationStateStore>();
        var loaded = await store.LoadAsync(flow.Conversation, TestContext.Current.CancellationToken);
        loaded.Record.Owner = ConversationOwner.Agent;
        await store.TrySaveAsync(flow.Conversation, loaded.Record, loaded.ETag, TestContext.Current.CancellationToken);

        await flow.Send("TD")
            .ExpectReply("已退订")
            .ExpectState(r => Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Delivery)))
            .RunAsync();
    }

    [Fact]
    public Task Unfollow_RevokesEverything_WithoutAReply() =>
        Flow()
            .Send("通知")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("已开启")
            .SendEvent("unsubscribe")
            .ExpectNoReply()
            .ExpectState(r => Assert.Equal(ConsentSource.Unfollow, ConsentsOf(r).Latest(NoticeTopic.Delivery)!.Source))
            .ExpectState(r => Assert.False(ConsentsOf(r).IsOptedIn(NoticeTopic.Delivery)))
            .RunAsync();

    [Fact]
    public Task TdInsideASentence_IsNotAnUnsubscribe() =>
        Flow()
            .Send("通知")
            .ExpectReply("")
            .Send("1")
            .ExpectReply("已开启")
            .Send("stop sending me the wrong size")
            .ExpectReply("didn't get that")
            .ExpectState(r => Assert.True(ConsentsOf(r).IsOptedIn(NoticeTopic.Delivery)))
            .RunAsync();
}
