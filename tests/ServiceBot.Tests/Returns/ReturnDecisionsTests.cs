using Microsoft.Extensions.DependencyInjection;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Returns;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Returns;

public sealed class ReturnDecisionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Decision_TellsTheCustomerOnce_ASecondDecisionChangesNothing()
    {
        var sender = new Mock<IChannelSender>();
        sender.SetupGet(s => s.Channel).Returns("test");
        sender
            .Setup(s =>
                s.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(SendOutcome.Sent);
        var flow = new TestFlow(services =>
            services
                .AddReturns()
                .AddNotices()
                .AddSingleton(sender.Object)
                .AddSingleton(Mock.Of<ISubscribeMessageSender>())
                .AddSingleton(Mock.Of<IMediaDownloader>())
        );
        var customer = new ConversationReference("test", "oMe");
        // The customer wrote an hour ago (when they asked for the return): the window is open.
        await flow
            .Services.GetRequiredService<ConversationStateStore>()
            .TrySaveAsync(
                customer,
                new ConversationRecord { LastUserMessageAt = flow.Time.GetUtcNow().AddHours(-1) },
                null,
                Ct
            );
        var store = flow.Services.GetRequiredService<ReturnStore>();
        await store.CreateAsync(
            new ReturnRequest(
                "R1",
                "K1",
                "oMe",
                "KETTLE-1",
                "Arrived damaged",
                ReturnStatus.Requested,
                [],
                flow.Time.GetUtcNow().AddHours(-1),
                null,
                null,
                customer
            ),
            Ct
        );
        var decisions = flow.Services.GetRequiredService<ReturnDecisions>();

        var first = await decisions.DecideAsync("R1", approve: true, "请寄回", Ct);
        var second = await decisions.DecideAsync("R1", approve: false, null, Ct);

        Assert.Equal(DecisionOutcome.Decided, first.Outcome);
        Assert.Equal((Verdict.Send, NoticeChannel.CustomerService), (first.Told!.Verdict, first.Told.Channel));
        Assert.Null(second.Told);
        Assert.Equal(DecisionOutcome.AlreadyDecided, second.Outcome);
        Assert.Equal(ReturnStatus.Approved, (await store.GetAsync("R1", Ct))!.Value.Request.Status);
        sender.Verify(
            s =>
                s.SendAsync(
                    customer,
                    It.Is<IReadOnlyList<Reply>>(r => r[0].Text!.Contains("R1 已通过", StringComparison.Ordinal)),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
        Assert.Equal(DecisionOutcome.NotFound, (await decisions.DecideAsync("R404", true, null, Ct)).Outcome);
    }
}
