using Microsoft.Extensions.DependencyInjection;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Conversations;

public sealed class TurnPipelineTests
{
    private static TestFlow Counting(CountingDialog.Probe probe, InMemoryDocumentStore? store = null) =>
        new(
            services =>
                services
                    .AddSingleton(probe)
                    .AddDialog<CountingDialog>()
                    .Configure<DialogOptions>(o => o.RootDialogId = CountingDialog.DialogId),
            store
        );

    private static ITurnProcessor Pipeline(TestFlow flow) => flow.Services.GetRequiredService<ITurnProcessor>();

    [Fact]
    public async Task SameActivityTwice_SecondIsReplayed_DialogRunsOnce()
    {
        var probe = new CountingDialog.Probe();
        var flow = Counting(probe);
        var message = flow.NewMessage("hi");

        var first = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);
        var second = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);

        Assert.Single(probe.Runs);
        Assert.False(first.IsReplay);
        Assert.True(second.IsReplay);
        Assert.Equal(first.Replies.Select(r => r.Text), second.Replies.Select(r => r.Text));
    }

    [Fact]
    public async Task ThreeConcurrentCopies_WhileTheFirstIsRunning_OneRun_SameReplies()
    {
        var probe = new CountingDialog.Probe
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var flow = Counting(probe);
        var message = flow.NewMessage("hi");

        var copies = Enumerable
            .Range(0, 3)
            .Select(_ =>
                Pipeline(flow).ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken)
            )
            .ToArray();
        await probe.Entered.Task;
        probe.Gate.SetResult();
        var results = await Task.WhenAll(copies);

        Assert.Single(probe.Runs);
        Assert.Single(results, r => !r.IsReplay);
        Assert.All(results, r => Assert.Equal("message 1", Assert.Single(r.Replies).Text));
        Assert.Equal(
            1,
            CountingDialog
                .Total.Get(
                    (
                        await flow
                            .Services.GetRequiredService<ConversationStateStore>()
                            .LoadAsync(flow.Conversation, TestContext.Current.CancellationToken)
                    ).Record
                )!
                .Value
        );
    }

    [Fact]
    public async Task ReplayOfADeferredReply_AnswersNothing_BecauseThePushDeliveredIt()
    {
        var flow = Counting(new CountingDialog.Probe());
        var message = flow.NewMessage("hi");
        var deferred = new TurnDelivery();
        deferred.MarkDeferred();

        await Pipeline(flow).ProcessAsync(message, deferred, TestContext.Current.CancellationToken);
        var retry = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);

        Assert.True(retry.IsReplay);
        Assert.Empty(retry.Replies);
    }

    [Fact]
    public async Task ReplayOfADeferredTurn_AfterLaterMessages_StillTellsWhatIsOwed()
    {
        // The deferred turn saved but its answer was lost (the store failed on the way back); the customer
        // wrote again; the push owner retries the turn and must learn the replies it still owes.
        var flow = Counting(new CountingDialog.Probe());
        var message = flow.NewMessage("hi");
        var deferred = new TurnDelivery();
        deferred.MarkDeferred();

        var first = await Pipeline(flow).ProcessAsync(message, deferred, TestContext.Current.CancellationToken);
        await Pipeline(flow)
            .ProcessAsync(flow.NewMessage("again"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        var retried = await Pipeline(flow).ProcessAsync(message, deferred, TestContext.Current.CancellationToken);

        Assert.True(retried.IsReplay);
        Assert.Empty(retried.Replies);
        Assert.Equal(first.Replies.Select(r => r.Text), retried.OwedReplies!.Select(r => r.Text));
        Assert.Equal("message 1", Assert.Single(retried.OwedReplies!).Text);
    }

    [Fact]
    public async Task ReplayOfAPassiveTurnWhoseAnswerWasLost_AfterTheNextMessage_StillAnswersWithItsReplies()
    {
        var flow = Counting(new CountingDialog.Probe());
        var message = flow.NewMessage("hi");

        var first = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);
        await Pipeline(flow)
            .ProcessAsync(flow.NewMessage("again"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        var retried = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);

        Assert.True(retried.IsReplay);
        Assert.Equal(first.Replies.Select(r => r.Text), retried.Replies.Select(r => r.Text));
        Assert.Empty(retried.OwedReplies!);
    }

    [Fact]
    public async Task APassiveTurnsAnswerLostInAnOutage_ReplayedAfterTheNextMessage_StillHasItsReplies()
    {
        // The save reached the store but its answer did not (the store was stopping): the customer got a
        // 503, not the reply. The delivery that answered "success" retries the turn once the store is back,
        // minutes later and after the customer's next message: it must still find the replies to push.
        var flow = Counting(new CountingDialog.Probe());
        var message = flow.NewMessage("hi");

        var first = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);
        flow.Time.Advance(TimeSpan.FromMinutes(2));
        await Pipeline(flow)
            .ProcessAsync(flow.NewMessage("again"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        flow.Time.Advance(TimeSpan.FromMinutes(3));
        var deferred = new TurnDelivery();
        deferred.MarkDeferred();
        var retried = await Pipeline(flow).ProcessAsync(message, deferred, TestContext.Current.CancellationToken);

        Assert.True(retried.IsReplay);
        Assert.Equal("message 1", Assert.Single(retried.Replies).Text);
        Assert.Equal(first.Replies.Select(r => r.Text), retried.Replies.Select(r => r.Text));
    }

    [Fact]
    public async Task ASaveTakenWithoutConfirming_LeavesItsRepliesWithTheDelivery_ForWhenTheRecordLacksThem()
    {
        var flow = Counting(new CountingDialog.Probe());
        var message = flow.NewMessage("hi");
        var delivery = new TurnDelivery();
        flow.Store.LoseAnswerOfWrite = _ => true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Pipeline(flow).ProcessAsync(message, delivery, TestContext.Current.CancellationToken)
        );
        flow.Store.LoseAnswerOfWrite = null;
        // The save was stored: two more messages later, the record remembers the message but not its passive replies.
        await Pipeline(flow)
            .ProcessAsync(flow.NewMessage("again"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        await Pipeline(flow)
            .ProcessAsync(flow.NewMessage("and again"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        var retried = await Pipeline(flow)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);

        Assert.Equal("message 1", Assert.Single(delivery.UnconfirmedReplies!).Text);
        Assert.True(retried.IsReplay);
        Assert.Empty(retried.Replies);
    }

    [Fact]
    public async Task HandledIds_AreStoredWithTheirTimeInUnixSeconds_AndDocumentsWithIsoTimesStillRead()
    {
        var flow = new TestFlow();
        await flow.Send("help").ExpectReply("").RunAsync();
        var key = ConversationStateStore.KeyOf(flow.Conversation);
        var json = System.Text.Encoding.UTF8.GetString(
            (await flow.Store.ReadAsync(key, TestContext.Current.CancellationToken))!.Content.Span
        );
        var at = flow.Time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Contains($"\"at\":{at}", json, StringComparison.Ordinal);

        var iso = json.Replace($"\"at\":{at}", $"\"at\":\"{flow.Time.GetUtcNow():O}\"", StringComparison.Ordinal);
        await flow.Store.TryWriteAsync(
            key,
            System.Text.Encoding.UTF8.GetBytes(iso),
            WriteCondition.None,
            TestContext.Current.CancellationToken
        );
        var record = (
            await new ConversationStateStore(flow.Store).LoadAsync(
                flow.Conversation,
                TestContext.Current.CancellationToken
            )
        ).Record;

        Assert.Equal(flow.Time.GetUtcNow(), Assert.Single(record.Handled).At);
    }

    [Fact]
    public async Task TwoInstancesRacingOnOneConversation_NoLostUpdate()
    {
        // Two service providers over one store stand for two bot processes.
        var store = new InMemoryDocumentStore();
        var slowProbe = new CountingDialog.Probe
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var slow = Counting(slowProbe, store);
        var fast = Counting(new CountingDialog.Probe(), store);

        var held = Pipeline(slow)
            .ProcessAsync(slow.NewMessage("hello"), TurnDelivery.Passive, TestContext.Current.CancellationToken);
        await slowProbe.Entered.Task;
        await Pipeline(fast)
            .ProcessAsync(
                fast.NewMessage("world") with
                {
                    Id = "other",
                },
                TurnDelivery.Passive,
                TestContext.Current.CancellationToken
            );
        slowProbe.Gate.SetResult();
        var result = await held;

        var record = (
            await slow
                .Services.GetRequiredService<ConversationStateStore>()
                .LoadAsync(slow.Conversation, TestContext.Current.CancellationToken)
        ).Record;
        Assert.Equal(2, CountingDialog.Total.Get(record)!.Value);
        Assert.Equal("message 2", Assert.Single(result.Replies).Text);
        Assert.Equal(2, slowProbe.Runs.Count); // ran again on the fresh record after losing the save
    }

    [Fact]
    public async Task RetryLandingOnTheOtherInstance_FindsItHandled()
    {
        var store = new InMemoryDocumentStore();
        var probeA = new CountingDialog.Probe();
        var probeB = new CountingDialog.Probe();
        var a = Counting(probeA, store);
        var b = Counting(probeB, store);
        var message = a.NewMessage("hi");

        var first = await Pipeline(a)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);
        var retry = await Pipeline(b)
            .ProcessAsync(message, TurnDelivery.Passive, TestContext.Current.CancellationToken);

        Assert.Empty(probeB.Runs);
        Assert.True(retry.IsReplay);
        Assert.Equal(first.Replies.Select(r => r.Text), retry.Replies.Select(r => r.Text));
    }

    [Fact]
    public async Task AfterHandoff_TheKernelAsksForAPerson_ThenEveryTurnGoesToTheHandoffInbox_AndTheBotStaysSilent()
    {
        var inbox = new Mock<IHandoffInbox>();
        inbox
            .Setup(i => i.RequestAsync(It.IsAny<TurnContext>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((TurnContext turn, string _, CancellationToken _) => turn.State.Owner = ConversationOwner.Queued)
            .Returns(Task.CompletedTask);
        var flow = new TestFlow(services =>
            services.AddDialog<ProfileDialog>().AddSingleton<ITopic, ProfileTopic>().AddSingleton(inbox.Object)
        );
        var later = flow.NewMessage("还在吗？");

        await flow.Send("profile")
            .ExpectReply("What is your name?")
            .Send("hand me over")
            .ExpectNoReply()
            .ExpectState(r => Assert.Equal((ConversationOwner.Queued, 0), (r.Owner, r.DialogStack.Count)))
            .Deliver(later)
            .ExpectNoReply()
            .RunAsync();

        inbox.Verify(
            i => i.RequestAsync(It.IsAny<TurnContext>(), "asked for a person", It.IsAny<CancellationToken>()),
            Times.Once
        );
        inbox.Verify(
            i => i.ReceiveAsync(It.Is<TurnContext>(t => t.Activity == later), It.IsAny<CancellationToken>()),
            Times.Once
        );
    }

    [Fact]
    public async Task LastUserActivity_IsRecordedForTheReplyWindow_ButNotOnUnfollow()
    {
        var flow = new TestFlow();
        var start = flow.Time.GetUtcNow();
        await flow.Send("hi").ExpectReply("").RunAsync();
        flow.Time.Advance(TimeSpan.FromHours(1));

        await flow.SendEvent("unsubscribe").ExpectState(r => Assert.Equal(start, r.LastUserActivityAt)).RunAsync();
        flow.Time.Advance(TimeSpan.FromHours(1));
        await flow.SendEvent("CLICK", "NONE")
            .ExpectReply("")
            .ExpectState(r =>
                Assert.Equal((start.AddHours(2), start), (r.LastUserActivityAt!.Value, r.LastUserMessageAt!.Value))
            )
            .RunAsync();
    }

    [Fact]
    public async Task StoredState_IsSmall_AndDropsOldHandledIds()
    {
        var flow = new TestFlow();
        for (var i = 0; i < 40; i++)
        {
            await flow.Send("help").ExpectReply("").RunAsync();
            flow.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var document = await flow.Store.ReadAsync(
            ConversationStateStore.KeyOf(flow.Conversation),
            TestContext.Current.CancellationToken
        );
        await flow.ExpectState(r => Assert.True(r.Handled.Count <= DuplicateActivityFilter.MaxRemembered)).RunAsync();
        Assert.True(document!.Content.Length < 2048, $"state is {document.Content.Length} bytes");
    }

    [Fact]
    public async Task StoredState_OfAChattyChineseCustomer_StaysUnder2KB_WithTextAsUtf8()
    {
        var flow = new TestFlow();
        string[] texts = ["你好", "我想问一下我的快递什么时候能到，已经等了好几天了，能不能帮我查一下", "谢谢", "菜单"];
        for (var i = 0; i < 40; i++)
        {
            await flow.Send(texts[i % texts.Length]).ExpectReply("").RunAsync();
            flow.Time.Advance(TimeSpan.FromSeconds(20));
        }

        var document = await flow.Store.ReadAsync(
            ConversationStateStore.KeyOf(flow.Conversation),
            TestContext.Current.CancellationToken
        );
        var json = System.Text.Encoding.UTF8.GetString(document!.Content.Span);
        Assert.True(document.Content.Length < 2048, $"state is {document.Content.Length} bytes: {json}");
        Assert.Contains("谢谢", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
    }
}
