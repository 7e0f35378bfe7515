using Microsoft.Extensions.Time.Testing;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Conversations.Delivery;

/// <summary>Each notice key is sent at most once, even when a process dies between claim and mark.</summary>
public sealed class SendOnceOutboxTests
{
    private static readonly ConversationReference Customer = new("wechat", "o-1");
    private readonly InMemoryDocumentStore _store = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
    private int _sends;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SendOnceOutbox Outbox() => new(_store, _clock);

    private Func<int, CancellationToken, Task<SendOutcome>> Send(SendOutcome outcome) =>
        (_, _) =>
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
        var busy = await Outbox()
            .SendOnceAsync(Customer, "k", Send(new SendOutcome(SendStatus.Throttled, "45009")), Ct);
        Assert.Equal(OutboxVerdict.NotSent, busy.Verdict);
        Assert.Null(await Outbox().GetAsync(Customer, "k", Ct));

        var later = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal(OutboxVerdict.Sent, later.Verdict);
        Assert.Equal(2, _sends);
    }

    [Theory]
    [InlineData(0)] // the default, five minutes
    [InlineData(30)] // Notices:ClaimLease = 00:00:30
    public async Task AClaimLeftByADeadProcess_BlocksUntilItsLeaseRunsOut_ThenIsCutOff_AndNeverSentAgain(
        int leaseSeconds
    )
    {
        var lease = leaseSeconds == 0 ? SendOnceOutbox.DefaultLease : TimeSpan.FromSeconds(leaseSeconds);
        SendOnceOutbox Outbox() => new(_store, _clock, lease, SendRetry.None);

        // A process claimed the key and died before the channel answered: WeChat may or may not have it.
        var dying = new TaskCompletionSource<SendOutcome>();
        var claimedAt = _clock.GetUtcNow();
        var crashed = Outbox().SendOnceAsync(Customer, "k", (_, _) => dying.Task, Ct);

        var meanwhile = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        Assert.Equal(OutboxVerdict.InFlight, meanwhile.Verdict);
        Assert.Equal(claimedAt + lease, meanwhile.RetryAt);

        _clock.Advance(lease - TimeSpan.FromSeconds(1));
        Assert.Equal(
            OutboxVerdict.InFlight,
            (await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct)).Verdict
        );

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
        async Task<SendOutcome> SlowSend(int delivered, CancellationToken _)
        {
            Interlocked.Increment(ref _sends);
            await gate.Task;
            return SendOutcome.Sent;
        }

        var attempts = Enumerable
            .Range(0, 8)
            .Select(_ => Task.Run(() => Outbox().SendOnceAsync(Customer, "k", SlowSend, Ct), Ct))
            .ToArray();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (_sends == 0 || attempts.Count(a => a.IsCompleted) < 7)
        {
            Assert.True(
                deadline.Elapsed < TimeSpan.FromSeconds(10),
                "the other attempts did not come back while one was sending"
            );
            await Task.Delay(1, Ct);
        }

        gate.SetResult();
        var verdicts = (await Task.WhenAll(attempts)).Select(r => r.Verdict).ToArray();

        Assert.Equal(1, _sends);
        Assert.Equal(1, verdicts.Count(v => v == OutboxVerdict.Sent));
        Assert.Equal(7, verdicts.Count(v => v == OutboxVerdict.InFlight));
    }

    [Fact]
    public async Task ASendThatWentOutUnanswered_IsNeverSentAgain_AndSaysSoOnce()
    {
        var silent = await Outbox()
            .SendOnceAsync(Customer, "k", Send(new SendOutcome(SendStatus.Unanswered, "TimeoutRejectedException")), Ct);
        _clock.Advance(TimeSpan.FromDays(1));
        var later = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.Unanswered, OutboxVerdict.Unanswered), (silent.Verdict, later.Verdict));
        Assert.Equal(SendStatus.Unanswered, silent.Send?.Status);
        Assert.Null(later.Send); // only the attempt that met the silence reports it
        Assert.Equal(1, _sends);
        Assert.Equal(OutboxState.Unanswered, (await Outbox().GetAsync(Customer, "k", Ct))!.State);
    }

    [Fact]
    public async Task ASendThatOutlivesHalfTheLease_IsCutShort_AndCountsAsUnanswered()
    {
        var outbox = new SendOnceOutbox(_store, _clock, TimeSpan.FromSeconds(2), SendRetry.None);

        var result = await outbox.SendOnceAsync(
            Customer,
            "k",
            async (_, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return SendOutcome.Sent;
            },
            Ct
        );

        Assert.Equal(OutboxVerdict.Unanswered, result.Verdict);
        Assert.Equal(OutboxState.Unanswered, (await outbox.GetAsync(Customer, "k", Ct))!.State);
    }

    [Fact]
    public async Task PartsTheChannelTook_AreNotSentAgain_ALaterAttemptSendsOnlyTheRest()
    {
        var asked = new List<int>();
        Func<int, CancellationToken, Task<SendOutcome>> Parts(SendOutcome outcome) =>
            (delivered, _) =>
            {
                asked.Add(delivered);
                return Task.FromResult(outcome);
            };

        // Two messages; WeChat took the first and was busy for the second.
        var busy = await Outbox()
            .SendOnceAsync(Customer, "k", Parts(new SendOutcome(SendStatus.Throttled, "45009", Delivered: 1)), Ct);
        var entry = await Outbox().GetAsync(Customer, "k", Ct);
        var later = await Outbox().SendOnceAsync(Customer, "k", Parts(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.NotSent, 1), (busy.Verdict, busy.Send!.Delivered));
        Assert.Equal((OutboxState.Released, 1), (entry!.State, entry.Delivered));
        Assert.Equal(OutboxVerdict.Sent, later.Verdict);
        Assert.Equal([0, 1], asked);
    }

    [Fact]
    public async Task WhileWaitingToRetry_TheClaimIsLetGo_SoAnotherInstanceMaySend_AndThisOneThenFindsItSent()
    {
        var retrying = new SendOnceOutbox(_store, _clock, SendOnceOutbox.DefaultLease, new SendRetry(_clock));
        var first = retrying.SendOnceAsync(Customer, "k", Send(new SendOutcome(SendStatus.Throttled, "45009")), Ct);
        Assert.Equal(1, _sends);
        Assert.False(first.IsCompleted);

        // Nothing is held while it waits: a crash now would cut nothing off, and another instance may send.
        Assert.Null(await Outbox().GetAsync(Customer, "k", Ct));
        var other = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        for (var i = 0; i < 100 && !first.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        Assert.Equal(OutboxVerdict.Sent, other.Verdict);
        Assert.Equal(OutboxVerdict.AlreadySent, (await first).Verdict);
        Assert.Equal(2, _sends);
    }

    [Fact]
    public async Task ABusyChannel_IsTriedAgainAfterAPause_AndTheNoticeGoesOnce()
    {
        var outcomes = new Queue<SendOutcome>([
            new(SendStatus.Throttled, "45009"),
            new(SendStatus.Unavailable, "HTTP 500"),
            SendOutcome.Sent,
        ]);
        var retrying = new SendOnceOutbox(_store, _clock, SendOnceOutbox.DefaultLease, new SendRetry(_clock));
        var sending = retrying.SendOnceAsync(
            Customer,
            "k",
            (_, _) =>
            {
                Interlocked.Increment(ref _sends);
                return Task.FromResult(outcomes.Dequeue());
            },
            Ct
        );

        for (var i = 0; i < 100 && !sending.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        Assert.Equal(OutboxVerdict.Sent, (await sending).Verdict);
        Assert.Equal(3, _sends);
    }

    [Fact]
    public async Task AClaimTheStoreTookWithoutSayingSo_IsTakenBackByTheSameProcess_NotLeftToBeCutOff()
    {
        // The claim write reached the store, and the answer was lost (a timeout, the store stopping).
        var store = new StoreThatLosesOneAnswer(_store);
        var outbox = new SendOnceOutbox(store, _clock);
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct)
        );
        Assert.Equal(OutboxState.Sending, (await outbox.GetAsync(Customer, "k", Ct))!.State);

        // Another process sees a claim in flight and keeps away; this one knows it sent nothing under it.
        var other = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        var retry = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        var again = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal(
            (OutboxVerdict.InFlight, OutboxVerdict.Sent, OutboxVerdict.AlreadySent),
            (other.Verdict, retry.Verdict, again.Verdict)
        );
        Assert.Equal(1, _sends);
    }

    [Fact]
    public async Task ASendThatWent_IsSent_EvenWhenTheStoreFailsToMarkIt_AndIsNeverMadeAgain()
    {
        // The channel took it; then the store failed to record "sent". The claim is not this process's to reuse.
        var store = new StoreThatLosesOneAnswer(_store) { LoseAnswerOfWrite = 2, ApplyTheLostWrite = false };
        var outbox = new SendOnceOutbox(store, _clock);

        var sent = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        var retry = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        _clock.Advance(SendOnceOutbox.DefaultLease);
        var later = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal(
            (OutboxVerdict.Sent, OutboxVerdict.InFlight, OutboxVerdict.CutOff),
            (sent.Verdict, retry.Verdict, later.Verdict)
        );
        Assert.Equal(1, _sends);
    }

    [Fact]
    public async Task AClaimTheStoreFailedToLetGo_AfterNothingWasTaken_IsTakenBackByTheSameProcess()
    {
        var store = new StoreThatLosesOneAnswer(_store) { LoseAnswerOfWrite = 0, FailDeletes = true };
        var outbox = new SendOnceOutbox(store, _clock);
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            outbox.SendOnceAsync(Customer, "k", Send(new SendOutcome(SendStatus.Throttled, "45009")), Ct)
        );
        store.FailDeletes = false;

        var other = await Outbox().SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);
        var retry = await outbox.SendOnceAsync(Customer, "k", Send(SendOutcome.Sent), Ct);

        Assert.Equal((OutboxVerdict.InFlight, OutboxVerdict.Sent), (other.Verdict, retry.Verdict));
        Assert.Equal(2, _sends);
    }

    /// <summary>
    /// For one write (the first by default) throws as if the answer never came, having applied it or (when told) not;
    /// deletes fail when told.
    /// </summary>
    private sealed class StoreThatLosesOneAnswer(IDocumentStore inner) : IDocumentStore
    {
        private int _writes;

        public int LoseAnswerOfWrite { get; init; } = 1;

        public bool ApplyTheLostWrite { get; init; } = true;

        public bool FailDeletes { get; set; }

        public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken) =>
            inner.ReadAsync(key, cancellationToken);

        public async Task<string?> TryWriteAsync(
            string key,
            ReadOnlyMemory<byte> content,
            WriteCondition condition,
            CancellationToken cancellationToken
        )
        {
            var lost = ++_writes == LoseAnswerOfWrite;
            var etag =
                !lost || ApplyTheLostWrite
                    ? await inner.TryWriteAsync(key, content, condition, cancellationToken)
                    : null;
            return lost ? throw new StorageUnavailableException("the answer was lost") : etag;
        }

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
            FailDeletes
                ? throw new StorageUnavailableException("the store is down")
                : inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListKeysAsync(string prefix, CancellationToken cancellationToken) =>
            inner.ListKeysAsync(prefix, cancellationToken);

        public Task CheckReachableAsync(CancellationToken cancellationToken) =>
            inner.CheckReachableAsync(cancellationToken);
    }
}
