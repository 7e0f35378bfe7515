using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Help;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Tests.Orders;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Help.HelpFixtures;

namespace ServiceBot.Tests.Help;

public sealed class HelpDialogTests
{
    private static async Task<TestFlow> FlowAsync(bool boughtCup = true)
    {
        var flow = new TestFlow(services => services.AddOrders().AddNotificationSettings().AddUsageHelp())
        {
            Conversation = new("wechat", "oMe"),
        };
        var help = flow.Services.GetRequiredService<HelpStore>();
        await help.PutAsync(Cup, TestContext.Current.CancellationToken);
        await help.PutAsync(Kettle, TestContext.Current.CancellationToken);
        if (boughtCup)
        {
            await flow
                .Services.GetRequiredService<OrderStore>()
                .PutAsync(OrderFixtures.Shipped("A1", "oMe"), TestContext.Current.CancellationToken);
        }

        return flow;
    }

    private static async Task<IReadOnlyList<HandoffCase>> EscalationsAsync(TestFlow flow) =>
        await flow.Services.GetRequiredService<HandoffCaseStore>().ListOpenAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task QuestionInOneGo_IsAnsweredWithTheArticle() =>
        await (await FlowAsync())
            .Send("保温杯怎么清洗？")
            .ExpectReply("【保温杯怎么清洗】\n用温水加少量小苏打")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .RunAsync();

    [Fact]
    public async Task MenuThenQuestion_InEnglish() =>
        await (await FlowAsync())
            .SendEvent("CLICK", "HELP")
            .ExpectReply("请描述一下您遇到的问题")
            .Send("how do I keep my drink hot")
            .ExpectReply("[How to keep drinks hot longer]")
            .RunAsync();

    [Fact]
    public async Task ProductsNotBought_AreNotAnswered_TwoMissesRecordARequestForAPerson()
    {
        var flow = await FlowAsync();

        await flow.Send("怎么去除水垢")
            .ExpectReply("没有找到合适的说明")
            .Send("水壶怎么除垢")
            .ExpectReply("这个问题需要客服来看一下")
            .ExpectReply("已为您转接人工客服")
            .RunAsync();

        Assert.Equal("help: no confident answer", Assert.Single(await EscalationsAsync(flow)).Reason);
    }

    [Fact]
    public async Task APhoto_GoesToAPerson_AndTheNextPhotoJoinsTheSameCase()
    {
        var flow = await FlowAsync();
        var photo = flow.NewMessage("") with
        {
            Kind = MessageKind.Image,
            Text = null,
            Media = new MediaAttachment("m1", null, null, null),
        };

        await flow.Send("怎么用")
            .ExpectReply("请描述一下您遇到的问题")
            .Deliver(photo)
            .ExpectReply("这个问题需要客服来看一下")
            .ExpectReply("已为您转接人工客服")
            .Deliver(photo with { Id = "photo-2" })
            .ExpectNoReply()
            .ExpectState(r => Assert.Equal(ConversationOwner.Queued, r.Owner))
            .RunAsync();

        var handoff = Assert.Single(await EscalationsAsync(flow));
        Assert.Equal("photo", handoff.Reason);
        Assert.Equal(2, handoff.Entries.Count(e => e.Kind == CaseEntryKind.Customer && e.PhotoId is not null));
        Assert.Contains(handoff.Entries, e =>
            e.Kind == CaseEntryKind.Bot && e.Text.Contains("请描述一下您遇到的问题", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task CustomerWithNoOrders_GetsAnswersFromEveryProduct() =>
        await (await FlowAsync(boughtCup: false)).Send("怎么去除水垢").ExpectReply("【电热水壶除水垢】").RunAsync();

    [Theory]
    [InlineData("人工")]
    [InlineData("agent")]
    public async Task AskingForAPerson_MidDialog_EndsItAndRecordsTheRequest(string word)
    {
        var flow = await FlowAsync();

        await flow.SendEvent("CLICK", "HELP")
            .ExpectReply("")
            .Send(word)
            .ExpectReply(word == "agent" ? "asked a person" : "已为您转接人工客服")
            .ExpectState(r => Assert.Equal(ConversationOwner.Queued, r.Owner))
            .RunAsync();

        Assert.Equal("asked for a person", Assert.Single(await EscalationsAsync(flow)).Reason);
    }

    [Fact]
    public async Task AgentMenuKey_AndTwoMissesAtTheMenu_OfferAPerson()
    {
        var flow = await FlowAsync();

        await flow.Send("asdf")
            .ExpectReply("didn't get that")
            .Send("qwer")
            .ExpectReply("Would you like a person to help?")
            .SendEvent("CLICK", "AGENT")
            .ExpectReply("asked a person")
            .RunAsync();

        Assert.Single(await EscalationsAsync(flow));
    }
}
