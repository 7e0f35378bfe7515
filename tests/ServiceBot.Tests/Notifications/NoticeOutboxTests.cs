using Microsoft.Extensions.Time.Testing;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Notifications;

/// <summary>Each notice key is sent at most once, even when a process dies between claim and mark.</summary>
public sealed class NoticeOutboxTests
{
    private static readonly ConversationReference Customer = new("wechat", "o-1");
    private readonly InMemoryDocumentStore _store = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
    private int _sends;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NoticeOutbox Outbox() => new(_store, _clock);

    private Func<CancellationToken, Task<SendOutcome>> Send(SendOutcome outcome) => _ =>
    {
        Interlocked.Increment(ref _sends);
        return Task.FromResult(outcome);
    };

    [Fact]
    public async Task Sent_IsMarkedSent_AndTheSameKeyNeverGoesAgain()
    {
        var first = await Outbox().SendOnceAsync(Customer, "order:A1:OutForDelivery", Send(SendOutcome.Sent), Ct);
        var again = await Outbox().SendOnceAsync(Customer, "order:A1:OutForDelivery", Send(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.Sent, OutboxVerdict.AlreadySent), (first.Verdict, again.Verdict));
        Assert.Equal(1, _sends);
        Assert.Equal(OutboxState.Sent, (await Outbox().GetAsync(Customer, "order:A1:OutForDelivery", Ct))!.State);
    }

    [Fact]
    public async Task AKeyThatCannotBeAStorageKey_AsItIs_IsStillSentOnce()
    {
        // A pushed reply's key carries the channel's message id, which for events has spaces and worse.
        const string Key = "reply:oUser:1763870400:subscribe_msg_popup_event ../x y";

        var first = await Outbox().SendOnceAsync(Customer, Key, Send(SendOutcome.Sent), Ct);
        var again = await Outbox().SendOnceAsync(Customer, Key, Send(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.Sent, OutboxVerdict.AlreadySent), (first.Verdict, again.Verdict));
        Assert.Equal(1, _sends);
        Assert.Equal(OutboxState.Sent, (await Outbox().GetAsync(Customer, Key, Ct))!.State);
    }

    [Fact]
    public async Task NotTaken_ReleasesTheKey_SoALaterAttemptSendsIt()
    {
        var busy = await Outbox().SendOnceAsync(Customer, "k", Send(new SendOutcome(SendStatus.Throttled, "45009")), Ct);
        Assert.Equal(OutboxVerdict.NotSent, busy.Verdict);
        Assert.Null(await Outbox().GetAsync(Customer, "k", Ct));

        var later = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal(OutboxVerdict.Sent, later.Verdict);
        Assert.Equal(2, _sends);
    }

    [Theory]
    [InlineData(0)] // the default, five minutes
    [InlineData(30)] // Notices:ClaimLease = 00:00:30
    public async Task AClaimLeftByADeadProcess_BlocksUntilItsLeaseRunsOut_ThenIsCutOff_AndNeverSentAgain(int leaseSeconds)
    {
        var lease = leaseSeconds == 0 ? NoticeOutbox.DefaultLease : TimeSpan.FromSeconds(leaseSeconds);
        NoticeOutbox Outbox() => new(_store, _clock, lease);

        // A process claimed the key and died before the channel answered: WeChat may or may not have it.
        var dying = new TaskCompletionSource<SendOutcome>();
        var claimedAt = _clock.GetUtcNow();
        var crashed = Outbox().SendOnceAsync(Customer, "k", _ => dying.Task, Ct);

        var meanwhile = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        Assert.Equal(OutboxVerdict.InFlight, meanwhile.Verdict);
        Assert.Equal(claimedAt + lease, meanwhile.RetryAt);

        _clock.Advance(lease - TimeSpan.FromSeconds(1));
        Assert.Equal(OutboxVerdict.InFlight, (await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct)).Verdict);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        _clock.Advance(TimeSpan.FromDays(1));
        var muchLater = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.CutOff, OutboxVerdict.CutOff), (after.Verdict, muchLater.Verdict));
        Assert.Equal(claimedAt, after.SentAt);
        Assert.Equal(0, _sends);
        Assert.False(crashed.IsCompleted);
    }

    [Fact]
    public async Task ManyAttemptsAtOnce_OneSend()
    {
        var gate = new TaskCompletionSource();
        async Task<SendOutcome> SlowSend(CancellationToken _)
        {
            Interlocked.Increment(ref _sends);
            await gate.Task;
            return SendOutcome.Sent;
        }

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Outbox().SendOnceAsync(Customer, "k", SlowSend, Ct), Ct)).ToArray();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (_sends == 0 || attempts.Count(a => a.IsCompleted) < 7)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the other attempts did not come back while one was sending");
            await Task.Delay(1, Ct);
        }

        gate.SetResult();
        var verdicts = (await Task.WhenAll(attempts)).Select(r => r.Verdict).ToArray();

        Assert.Equal(1, _sends);
        Assert.Equal(1, verdicts.Count(v => v == OutboxVerdict.Sent));
        Assert.Equal(7, verdicts.Count(v => v == OutboxVerdict.InFlight));
    }
}
