using Microsoft.Extensions.DependencyInjection;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Handoff;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Handoff;

/// <summary>
/// The ownership state machine through the real pipeline: Bot → Queued → Agent(X) → Bot. While a
/// person owns the chat the bot says nothing and every customer turn reaches the case.
/// </summary>
public sealed class HandoffTests
{
    private readonly Mock<IChannelSender> _channel = new();
    private readonly List<string> _sent = [];

    public HandoffTests()
    {
        _channel.SetupGet(c => c.Channel).Returns("test");
        _channel
            .Setup(c =>
                c.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback(
                (ConversationReference _, IReadOnlyList<Reply> replies, CancellationToken _) =>
                    _sent.AddRange(replies.Select(r => r.Text!))
            )
            .ReturnsAsync(SendOutcome.Sent);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestFlow Flow() => new(services => services.AddSingleton(_channel.Object));

    private static AgentDesk Desk(TestFlow flow) => flow.Services.GetRequiredService<AgentDesk>();

    private static async Task<HandoffCase> OnlyCaseAsync(TestFlow flow) =>
        Assert.Single(await Desk(flow).QueueAsync(Ct));

    [Fact]
    public async Task Queued_TheCustomerHearsTheirPlace_ThenTheBotIsSilent_AndEveryMessageReachesTheCase()
    {
        var flow = Flow();
        var retried = flow.NewMessage("我的杯子漏水");

        await flow.Send("你好")
            .ExpectReply("")
            .Send("人工")
            .ExpectReply("已为您转接人工客服，马上就到您")
            .Deliver(retried)
            .ExpectNoReply()
            .Deliver(retried)
            .ExpectNoReply()
            .Send("菜单")
            .ExpectNoReply()
            .ExpectState(r => Assert.Equal(ConversationOwner.Queued, r.Owner))
            .RunAsync();

        var waiting = await OnlyCaseAsync(flow);
        Assert.Equal((CaseState.Queued, "asked for a person"), (waiting.State, waiting.Reason));
        Assert.Equal(
            ["你好", "人工", "我的杯子漏水", "菜单"],
            waiting.Entries.Where(e => e.Kind == CaseEntryKind.Customer).Select(e => e.Text)
        );
        // the bot's part of the conversation comes along
        Assert.Contains(waiting.Entries, e => e.Kind == CaseEntryKind.Bot);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Cancel_WhileQueued_LeavesTheQueue_AndTheBotIsBack()
    {
        var flow = Flow();

        await flow.Send("人工")
            .ExpectReply("转接人工客服")
            .Send("取消")
            .ExpectReply("已退出排队")
            .Send("帮助")
            .ExpectReply("")
            .ExpectState(r => Assert.Equal(ConversationOwner.Bot, r.Owner))
            .RunAsync();

        Assert.Empty(await Desk(flow).QueueAsync(Ct));
    }

    [Fact]
    public async Task AnAgentOfTheCompanysProvider_OwnsTheChatByTheirId_AndIsShownToTheCustomerByName()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;

        var claimed = await Desk(flow).ClaimAsync(caseId, "sso:0f3a9c", "Carol", Ct);

        Assert.Equal("sso:0f3a9c", claimed.Case!.AgentId);
        Assert.Contains("客服 Carol", Assert.Single(_sent), StringComparison.Ordinal);
        Assert.Contains("I'm Carol from customer service", _sent[0], StringComparison.Ordinal); // both languages
        Assert.DoesNotContain("sso:", _sent[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAnAgent_TheBotIsSilent_AgentRepliesGoOut_NotesDoNot_HandBackRestoresTheBot()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;

        Assert.True((await Desk(flow).ClaimAsync(caseId, "amy", Ct)).Ok);
        await flow.Send("杯盖拧不紧")
            .ExpectNoReply()
            .ExpectState(r => Assert.Equal(ConversationOwner.Agent, r.Owner))
            .RunAsync();
        Assert.True((await Desk(flow).ReplyAsync(caseId, "amy", "请拍一张杯盖的照片", Ct)).Ok);
        Assert.True((await Desk(flow).NoteAsync(caseId, "amy", "可能是密封圈老化", Ct)).Ok);
        var handedBack = await Desk(flow).ReleaseAsync(caseId, "amy", resolved: false, Ct);

        Assert.Equal(3, _sent.Count);
        Assert.Contains("客服 amy", _sent[0], StringComparison.Ordinal);
        Assert.Equal("请拍一张杯盖的照片", _sent[1]);
        Assert.Contains("客服已离开", _sent[2], StringComparison.Ordinal);
        Assert.DoesNotContain(_sent, s => s.Contains("密封圈", StringComparison.Ordinal));
        Assert.Equal(CaseState.Closed, handedBack.Case!.State);
        Assert.Contains(handedBack.Case.Entries, e => e is { Kind: CaseEntryKind.Customer, Text: "杯盖拧不紧" });
        Assert.Contains(handedBack.Case.Entries, e => e is { Kind: CaseEntryKind.Note, SentToCustomer: false });
        Assert.Empty(await Desk(flow).QueueAsync(Ct));

        await flow.Send("帮助")
            .ExpectReply("")
            .ExpectState(r => Assert.Equal((ConversationOwner.Bot, null), (r.Owner, CustomerHandoff.Link.Get(r))))
            .RunAsync();
    }

    [Fact]
    public async Task ASecondClaim_IsRefused_NamingWhoHasIt_AndOnlyTheOwnerMayReply()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;

        var first = await Desk(flow).ClaimAsync(caseId, "amy", Ct);
        var second = await Desk(flow).ClaimAsync(caseId, "bob", Ct);
        var intruder = await Desk(flow).ReplyAsync(caseId, "bob", "hi", Ct);

        Assert.True(first.Ok);
        Assert.Equal((DeskRefusal.Conflict, "amy has already claimed this chat."), (second.Refusal, second.Problem));
        Assert.Equal((DeskRefusal.Conflict, "amy has this chat."), (intruder.Refusal, intruder.Problem));
    }

    [Fact]
    public async Task Transfer_MovesTheChat_TheNewAgentMayReply_TheOldMayNot()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;
        await Desk(flow).ClaimAsync(caseId, "amy", Ct);

        Assert.True((await Desk(flow).TransferAsync(caseId, "amy", "bob", Ct)).Ok);

        Assert.False((await Desk(flow).ReplyAsync(caseId, "amy", "still me", Ct)).Ok);
        Assert.True((await Desk(flow).ReplyAsync(caseId, "bob", "我是 bob", Ct)).Ok);
        Assert.Equal("bob", (await OnlyCaseAsync(flow)).AgentId);
    }

    [Fact]
    public async Task Replies_AreRefusedWhenWeChatWould_AfterTheWindowCloses_OrTheQuotaIsSpent()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;
        await Desk(flow).ClaimAsync(caseId, "amy", Ct); // the greeting is message 1 of 5

        for (var i = 2; i <= 5; i++)
        {
            Assert.True((await Desk(flow).ReplyAsync(caseId, "amy", $"reply {i}", Ct)).Ok);
        }

        var sixth = await Desk(flow).ReplyAsync(caseId, "amy", "one more", Ct);
        Assert.Equal(DeskRefusal.Conflict, sixth.Refusal);
        Assert.Contains("allows no more until they write again", sixth.Problem, StringComparison.Ordinal);
        Assert.Equal(0, (await Desk(flow).WindowAsync(await OnlyCaseAsync(flow), Ct)).RepliesLeft);

        flow.Time.Advance(TimeSpan.FromMinutes(1));
        await flow.Send("还有问题").ExpectNoReply().RunAsync(); // the customer writes: a fresh window and quota
        Assert.True((await Desk(flow).ReplyAsync(caseId, "amy", "请说", Ct)).Ok);

        flow.Time.Advance(TimeSpan.FromHours(48)); // 48:00 after the customer's last message
        var late = await Desk(flow).ReplyAsync(caseId, "amy", "还在吗", Ct);
        Assert.Equal(DeskRefusal.Conflict, late.Refusal);
        Assert.Contains("45015", late.Problem, StringComparison.Ordinal);
        Assert.Equal(6, _sent.Count); // greeting, four replies, and one after the customer wrote again
    }

    [Fact]
    public async Task NobodyClaimsInTime_TheCustomerIsOfferedACallBack_AndTheBotIsBack()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;

        var timedOut = await Desk(flow).QueueTimedOutAsync(caseId, Ct);

        Assert.True(timedOut.Ok);
        Assert.Contains("回电", Assert.Single(_sent), StringComparison.Ordinal);
        Assert.Empty(await Desk(flow).QueueAsync(Ct));
        await flow.Send("帮助")
            .ExpectReply("")
            .ExpectState(r => Assert.Equal(ConversationOwner.Bot, r.Owner))
            .RunAsync();
        Assert.False((await Desk(flow).QueueTimedOutAsync(caseId, Ct)).Ok); // fired twice: nothing more happens
        Assert.Single(_sent);
    }

    [Fact]
    public async Task AClaimedChat_IsNotTimedOutAsWaiting()
    {
        var flow = Flow();
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;
        await Desk(flow).ClaimAsync(caseId, "amy", Ct);

        Assert.False((await Desk(flow).QueueTimedOutAsync(caseId, Ct)).Ok);
        Assert.Equal(CaseState.Agent, (await OnlyCaseAsync(flow)).State);
    }

    [Fact]
    public async Task ASilentAgent_LosesTheChatBackToTheQueue_ButOneWhoRepliedInTimeKeepsIt()
    {
        var flow = Flow();
        var idle = flow
            .Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HandoffOptions>>()
            .Value.IdleTimeout;
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;
        await Desk(flow).ClaimAsync(caseId, "amy", Ct);

        flow.Time.Advance(idle - TimeSpan.FromMinutes(1));
        await Desk(flow).ReplyAsync(caseId, "amy", "我看一下", Ct);
        flow.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await Desk(flow).IdleTimedOutAsync(caseId, Ct)).Ok); // she wrote a minute before the old deadline

        flow.Time.Advance(idle);
        Assert.True((await Desk(flow).IdleTimedOutAsync(caseId, Ct)).Ok);

        var requeued = await OnlyCaseAsync(flow);
        Assert.Equal((CaseState.Queued, null), (requeued.State, requeued.AgentId));
        Assert.True((await Desk(flow).ClaimAsync(caseId, "bob", Ct)).Ok);
        Assert.Contains("重新排队", _sent[^2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseChanges_SetAndClearTheirTimeoutsInTheScheduler()
    {
        var flow = Flow();
        var scheduler = await flow.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Ct);
        await flow.Send("人工").ExpectReply("转接人工客服").RunAsync();
        var caseId = (await OnlyCaseAsync(flow)).CaseId;
        var queue = new Quartz.JobKey(caseId, "handoff-queue-timeouts");
        var idle = new Quartz.JobKey(caseId, "handoff-idle-timeouts");

        var queuedTrigger = (await scheduler.GetTrigger(new Quartz.TriggerKey(caseId, queue.Group), Ct))!;
        Assert.Equal(flow.Time.GetUtcNow().AddMinutes(10), queuedTrigger.StartTimeUtc);

        await Desk(flow).ClaimAsync(caseId, "amy", Ct);
        Assert.False(await scheduler.Exists(queue, Ct));
        Assert.Equal(
            flow.Time.GetUtcNow().AddMinutes(15),
            (await scheduler.GetTrigger(new Quartz.TriggerKey(caseId, idle.Group), Ct))!.StartTimeUtc
        );

        await Desk(flow).ReleaseAsync(caseId, "amy", resolved: true, Ct);
        Assert.False(await scheduler.Exists(idle, Ct));
    }

    [Theory]
    [InlineData("13800138000", "138****8000")]
    [InlineData("+86 138 0013 8000", "138****8000")]
    public Task CallMe_RecordsTheNumber_AndConfirmsItMasked(string typed, string shown)
    {
        var flow = new TestFlow(services => services.AddSingleton(_channel.Object).AddCallbacks());
        return flow.Send("回电")
            .ExpectReply("请回复您的手机号")
            .Send("明天")
            .ExpectReply("这看起来不是手机号")
            .Send(typed)
            .ExpectReply($"我们会打 {shown} 给您回电")
            .ExpectState(_ =>
                Assert.Equal(
                    "13800138000",
                    Assert.Single(flow.Services.GetRequiredService<CallbackRequests>().ListAsync(Ct).Result).Phone
                )
            )
            .RunAsync();
    }
}
