using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Notifications;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Notifications;

/// <summary>The road every notice takes: policy → channel → outbox → ledger, with the channel's failures.</summary>
public sealed class NoticeSenderTests
{
    private static readonly ConversationReference Customer = new("wechat", "o-1");
    private static readonly NoticeCandidate Candidate = new(NoticeTopic.Delivery, "order:A1:OutForDelivery");
    private readonly InMemoryDocumentStore _store = new();

    // 11:00 in Shanghai
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
    private readonly Mock<IChannelSender> _customerService = new();
    private readonly Mock<ISubscribeMessageSender> _subscribe = new();

    public NoticeSenderTests()
    {
        _customerService.SetupGet(s => s.Channel).Returns("wechat");
        _template.SetupGet(s => s.Channel).Returns("wechat");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Mock<ITemplateMessageSender> _template = new();

    private static readonly TemplateMessageOptions Templates = new() { Delivery = { Id = "tm-delivery" } };

    private NoticeSender Sender() =>
        new(
            new ConversationStateStore(_store),
            new NoticeLedger(_store),
            new SendOnceOutbox(_store, _clock),
            new NoticePolicy(new PolicyOptions(), new ShopOptions(), Templates),
            new ProactiveMessenger([_customerService.Object], SendRetry.None, NullLogger<ProactiveMessenger>.Instance),
            _subscribe.Object,
            [_template.Object],
            Options.Create(new SubscribeTemplateOptions { Delivery = "tpl-d" }),
            Options.Create(Templates),
            _clock
        );

    private static OutgoingNotice Notice =>
        new(
            Customer,
            Candidate,
            [Reply.FromText("您的订单 A1 正在派送")],
            new Dictionary<string, string>
            {
                ["orderId"] = "A1",
                ["status"] = "派送中",
                ["carrier"] = "顺丰",
                ["trackingNumber"] = "SF100",
                ["location"] = "上海浦东新区张江高科技园区碧波路690号",
            }
        );

    private async Task CustomerAsync(bool optedIn, TimeSpan? lastMessageAgo, int oneTimeConsents = 0)
    {
        var record = new ConversationRecord
        {
            LastUserMessageAt = _clock.GetUtcNow() - lastMessageAgo,
            LastUserActivityAt = _clock.GetUtcNow() - lastMessageAgo,
        };
        var consents = optedIn
            ? Consents.None.With(
                new ConsentChange(
                    NoticeTopic.Delivery,
                    true,
                    _clock.GetUtcNow().AddDays(-3),
                    ConsentSource.Dialog,
                    "shown"
                )
            )
            : Consents.None;
        for (var i = 0; i < oneTimeConsents; i++)
        {
            consents = consents.Grant(
                new OneTimeConsent(NoticeTopic.Delivery, "tpl-d", _clock.GetUtcNow().AddDays(-1))
            );
        }

        Consents.Property.Set(record, consents);
        Assert.NotNull(await new ConversationStateStore(_store).TrySaveAsync(Customer, record, null, Ct));
    }

    private void CustomerServiceAnswers(params SendOutcome[] outcomes)
    {
        var sequence = _customerService.SetupSequence(s =>
            s.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>())
        );
        foreach (var outcome in outcomes)
        {
            sequence = sequence.ReturnsAsync(outcome);
        }
    }

    private async Task<IReadOnlyList<NoticeRecord>> LedgerAsync() =>
        await new NoticeLedger(_store).ListAsync(Customer, Ct);

    private async Task<int> OneTimeLeftAsync() =>
        Consents
            .Of((await new ConversationStateStore(_store).LoadAsync(Customer, Ct)).Record)
            .OneTimeAvailable(NoticeTopic.Delivery);

    [Fact]
    public async Task ANoticeDroppedAgainForTheSameReason_IsRecordedOnce()
    {
        await CustomerAsync(optedIn: false, lastMessageAgo: TimeSpan.FromHours(1));

        await Sender().DecideAndSendAsync(Notice, 1, Ct);
        await Sender().DecideAndSendAsync(Notice, 1, Ct); // the courier repeats the event

        var dropped = Assert.Single(await LedgerAsync());
        Assert.Equal((Verdict.Drop, PolicyRule.Consent), (dropped.Verdict, dropped.Rule));
    }

    [Fact]
    public async Task SilentForThreeDays_AServiceNoticeGoesAsOneTemplateMessage_WithItsMsgIdRecorded()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromDays(3));
        _template
            .Setup(t =>
                t.SendAsync(
                    Customer,
                    "tm-delivery",
                    It.IsAny<IReadOnlyDictionary<string, string>>(),
                    null,
                    Candidate.Key,
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(SendOutcome.Sent with { MessageId = "400000001" });

        var outcome = await Sender()
            .DecideAndSendAsync(Notice with { Candidate = Candidate with { Template = TemplateKind.Delivery } }, 1, Ct);

        Assert.Equal((Verdict.Send, NoticeChannel.TemplateMessage), (outcome.Verdict, outcome.Channel));
        var sent = Assert.Single(await LedgerAsync());
        Assert.Equal(("400000001", NoticeDelivery.Unknown), (sent.MessageId, sent.Delivery));
        Assert.Equal("tm-delivery", sent.Payload!.TemplateId);
        _customerService.Verify(
            s =>
                s.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    [Fact]
    public async Task ABusyChannel_DefersWithBackOff_ThenSendsOnce()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromHours(1));
        CustomerServiceAnswers(
            new SendOutcome(SendStatus.Throttled, "Throttled (45009)"),
            new SendOutcome(SendStatus.Unavailable, "HTTP 500"),
            SendOutcome.Sent
        );

        var first = await Sender().DecideAndSendAsync(Notice, 1, Ct);
        var second = await Sender().DecideAndSendAsync(Notice, 2, Ct);
        var third = await Sender().DecideAndSendAsync(Notice, 3, Ct);
        var replay = await Sender().DecideAndSendAsync(Notice, 1, Ct);

        Assert.Equal(new NoticeOutcome(Verdict.Defer, PolicyRule.Retry, _clock.GetUtcNow().AddMinutes(1)), first);
        Assert.Equal(new NoticeOutcome(Verdict.Defer, PolicyRule.Retry, _clock.GetUtcNow().AddMinutes(2)), second);
        Assert.Equal(Verdict.Send, third.Verdict);
        Assert.Equal((Verdict.Drop, PolicyRule.Once), (replay.Verdict, replay.Rule));
        _customerService.Verify(
            s => s.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>()),
            Times.Exactly(3)
        );
        Assert.Equal(
            [
                "Defer Retry Throttled: Throttled (45009)",
                "Defer Retry Unavailable: HTTP 500",
                "Send Allowed ",
                "Drop Once ",
            ],
            (await LedgerAsync()).Select(r => $"{r.Verdict} {r.Rule} {r.Detail}")
        );
    }

    [Fact]
    public async Task ASendCutOffByACrash_IsRecordedAsSuch_AndNeverMadeAgain()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromHours(1));
        // A process claims the notice and dies mid-send: no answer ever comes.
        _customerService
            .Setup(s => s.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>()))
            .Returns(new TaskCompletionSource<SendOutcome>().Task);
        _ = Sender().DecideAndSendAsync(Notice, 1, CancellationToken.None);
        Assert.Equal(
            OutboxState.Sending,
            (await new SendOnceOutbox(_store, _clock).GetAsync(Customer, Candidate.Key, Ct))?.State
        );
        _customerService.Invocations.Clear();
        CustomerServiceAnswers(SendOutcome.Sent);
        _clock.Advance(SendOnceOutbox.DefaultLease);

        var retry = await Sender().DecideAndSendAsync(Notice, 1, Ct);

        Assert.Equal((Verdict.Drop, PolicyRule.Once), (retry.Verdict, retry.Rule));
        _customerService.Verify(
            s => s.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>()),
            Times.Never
        );
        var record = Assert.Single(await LedgerAsync());
        Assert.Contains("cut off mid-send", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASendWeChatNeverAnswered_IsRecordedAsSuch_AndNeverMadeAgain()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromHours(1));
        CustomerServiceAnswers(new SendOutcome(SendStatus.Unanswered, "Unanswered (-1)"));

        var first = await Sender().DecideAndSendAsync(Notice, 1, Ct);
        CustomerServiceAnswers(SendOutcome.Sent);
        _clock.Advance(TimeSpan.FromHours(1));
        var retry = await Sender().DecideAndSendAsync(Notice, 2, Ct);

        Assert.Equal((Verdict.Drop, PolicyRule.Once), (first.Verdict, first.Rule));
        Assert.Equal((Verdict.Drop, PolicyRule.Once), (retry.Verdict, retry.Rule));
        _customerService.Verify(
            s => s.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>()),
            Times.Once
        );
        var record = Assert.Single(await LedgerAsync());
        Assert.Contains("did not answer", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABusyChannel_OnTheLastAttempt_IsDroppedWithTheReason()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromHours(1));
        CustomerServiceAnswers(new SendOutcome(SendStatus.Unavailable, "HTTP 503"));

        var outcome = await Sender().DecideAndSendAsync(Notice, NoticeSender.MaxAttempts, Ct);

        Assert.Equal((Verdict.Drop, PolicyRule.Channel), (outcome.Verdict, outcome.Rule));
        Assert.Equal("Unavailable: HTTP 503", Assert.Single(await LedgerAsync()).Detail);
    }

    [Theory]
    [InlineData(SendStatus.WindowClosed, "WindowClosed (45015)")]
    [InlineData(SendStatus.Unreachable, "Unfollowed (43004)")]
    public async Task ARefusal_IsDroppedAtOnce_WithTheErrcode(SendStatus status, string detail)
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromHours(1));
        CustomerServiceAnswers(new SendOutcome(status, detail));

        var outcome = await Sender().DecideAndSendAsync(Notice, 1, Ct);

        Assert.Equal((Verdict.Drop, PolicyRule.Channel), (outcome.Verdict, outcome.Rule));
        Assert.Equal($"{status}: {detail}", Assert.Single(await LedgerAsync()).Detail);
    }

    [Fact]
    public async Task OutsideTheWindow_AOneTimeConsent_CarriesASubscribeMessage_FilledFromTheTemplate_AndIsSpent()
    {
        await CustomerAsync(optedIn: true, lastMessageAgo: TimeSpan.FromDays(3), oneTimeConsents: 1);
        IReadOnlyDictionary<string, string>? data = null;
        _subscribe
            .Setup(s =>
                s.SendAsync(
                    Customer,
                    "tpl-d",
                    It.IsAny<IReadOnlyDictionary<string, string>>(),
                    null,
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback(
                (
                    ConversationReference _,
                    string _,
                    IReadOnlyDictionary<string, string> d,
                    Uri? _,
                    CancellationToken _
                ) => data = d
            )
            .ReturnsAsync(SendOutcome.Sent);

        var outcome = await Sender().DecideAndSendAsync(Notice, 1, Ct);

        Assert.Equal(Verdict.Send, outcome.Verdict);
        Assert.Equal(NoticeChannel.SubscribeMessage, Assert.Single(await LedgerAsync()).Channel);
        Assert.Equal(0, await OneTimeLeftAsync());
        Assert.Equal("A1", data!["character_string1"]);
        Assert.Equal("派送中", data["phrase2"]);
        Assert.Equal("顺丰 SF100", data["thing3"]);
        Assert.Equal(20, data["thing4"].Length); // WeChat's limit for a "thing" field
        _customerService.Verify(
            s =>
                s.SendAsync(
                    It.IsAny<ConversationReference>(),
                    It.IsAny<IReadOnlyList<Reply>>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );

        // The next notice finds no consent left and no window: not sent, and recorded why.
        var next = await Sender()
            .DecideAndSendAsync(Notice with { Candidate = Candidate with { Key = "order:A1:Delivered" } }, 1, Ct);
        Assert.Equal((Verdict.Drop, PolicyRule.Channel), (next.Verdict, next.Rule));
        _subscribe.VerifyAll();
        _subscribe.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AFailedSubscribeMessage_GivesTheOneTimeConsentBack()
    {
        await CustomerAsync(optedIn: false, lastMessageAgo: null, oneTimeConsents: 1);
        _subscribe
            .Setup(s =>
                s.SendAsync(
                    Customer,
                    "tpl-d",
                    It.IsAny<IReadOnlyDictionary<string, string>>(),
                    null,
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(new SendOutcome(SendStatus.Throttled, "Throttled (45009)"));

        var outcome = await Sender().DecideAndSendAsync(Notice, 1, Ct);

        Assert.Equal((Verdict.Defer, PolicyRule.Retry), (outcome.Verdict, outcome.Rule));
        Assert.Equal(1, await OneTimeLeftAsync());
    }
}
