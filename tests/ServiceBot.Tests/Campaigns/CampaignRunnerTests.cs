using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Campaigns;

/// <summary>The fan-out in pages: every recipient decided once, a page run again sends nothing twice.</summary>
public sealed class CampaignRunnerTests
{
    private const int Customers = CampaignRunner.PageSize * 2 + 1;
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero); // 11:00 in Shanghai
    private readonly InMemoryDocumentStore _store = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly Mock<IChannelSender> _channel = new();
    private readonly Campaign _campaign = new(
        "c1",
        "冬季特惠",
        "全场 8 折",
        null,
        Now,
        new CampaignAudience(["MUG-1"], 30)
    );

    public CampaignRunnerTests()
    {
        _channel.SetupGet(c => c.Channel).Returns("wechat");
        _channel
            .Setup(c =>
                c.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(SendOutcome.Sent);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string OpenId(int i) => $"o{i:D5}";

    private CampaignRunner Runner()
    {
        var sender = new NoticeSender(
            new ConversationStateStore(_store),
            new NoticeLedger(_store),
            new SendOnceOutbox(_store, _clock),
            new NoticePolicy(new PolicyOptions()),
            new ProactiveMessenger([_channel.Object], SendRetry.None, NullLogger<ProactiveMessenger>.Instance),
            Mock.Of<ISubscribeMessageSender>(),
            [],
            Options.Create(new SubscribeTemplateOptions()),
            Options.Create(new TemplateMessageOptions()),
            _clock
        );
        return new CampaignRunner(
            new CampaignStore(_store),
            new CampaignAudienceFinder(new OrderStore(_store)),
            sender,
            new NoticeLedger(_store),
            new ConsentIndex(_store, new ConversationStateStore(_store)),
            _clock
        );
    }

    // Every third customer opted in to promotions and wrote an hour ago; the rest never opted in.
    private async Task ShopAsync()
    {
        var orders = new OrderStore(_store);
        var conversations = new ConversationStateStore(_store);
        for (var i = 0; i < Customers; i++)
        {
            await orders.PutAsync(
                new Order(
                    $"A{i}",
                    OpenId(i),
                    Now.AddDays(-1),
                    OrderStatus.Delivered,
                    [new OrderItem("MUG-1", "杯子", 1, 59m)],
                    null
                ),
                Ct
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
                        new ConsentChange(NoticeTopic.Promotion, true, Now.AddDays(-2), ConsentSource.Dialog, "shown")
                    )
                );
                await conversations.TrySaveAsync(new ConversationReference("wechat", OpenId(i)), record, null, Ct);
            }
        }
    }

    [Fact]
    public async Task FansOutPageByPage_EachRecipientOnce_ThenIsDone()
    {
        await ShopAsync();
        await new CampaignStore(_store).CreateAsync(_campaign, Ct);
        var runner = Runner();

        var steps = new List<DateTimeOffset?>();
        for (var step = 0; step < 10 && (steps.Count == 0 || steps[^1] is not null); step++)
        {
            steps.Add(await runner.RunStepAsync("c1", Ct));
        }

        // Audience into pages, then one step per page (three), then nothing held back: done.
        Assert.Equal([Now, Now, Now, null], steps);
        var progress = (await new CampaignStore(_store).GetProgressAsync("c1", Ct))!;
        var optedIn = (Customers + 2) / 3;
        Assert.Equal(
            (3, Customers, optedIn, Customers - optedIn, true),
            (progress.Pages, progress.Recipients, progress.Sent, progress.Dropped, progress.Finished)
        );
        _channel.Verify(
            c =>
                c.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Exactly(optedIn)
        );
        for (var i = 0; i < Customers; i += 250)
        {
            var audit = await new NoticeLedger(_store).ListAsync(new ConversationReference("wechat", OpenId(i)), Ct);
            Assert.Equal(i % 3 == 0 ? "Send" : "Drop", Assert.Single(audit).Verdict.ToString());
        }

        Assert.Null(await runner.RunStepAsync("c1", Ct));
    }

    [Fact]
    public async Task APageRunAgainAfterACrash_SendsNobodyASecondMessage()
    {
        await ShopAsync();
        var campaigns = new CampaignStore(_store);
        await campaigns.CreateAsync(_campaign, Ct);
        var runner = Runner();
        await runner.RunStepAsync("c1", Ct);
        var beforeFirstPage = (await campaigns.GetProgressAsync("c1", Ct))!;
        await runner.RunStepAsync("c1", Ct);

        // The process died after sending page 0 and before saving its progress: page 0 runs again.
        await campaigns.SaveProgressAsync("c1", beforeFirstPage, Ct);
        for (var step = 0; step < 10 && await runner.RunStepAsync("c1", Ct) is not null; step++) { }

        Assert.True((await campaigns.GetProgressAsync("c1", Ct))!.Finished);

        var optedIn = (Customers + 2) / 3;
        _channel.Verify(
            c =>
                c.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Exactly(optedIn)
        );
    }
}
