using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Conversations.Delivery;

/// <summary>
/// Sends outside a turn (agent replies, return decisions): a busy channel is tried again with only what it has not
/// taken.
/// </summary>
public sealed class ProactiveMessengerTests
{
    private static readonly ConversationReference Customer = new("wechat", "o-1");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
    private readonly Mock<IChannelSender> _channel = new();
    private readonly List<string> _asked = [];

    public ProactiveMessengerTests() => _channel.SetupGet(c => c.Channel).Returns("wechat");

    private ProactiveMessenger Messenger() =>
        new([_channel.Object], new SendRetry(_clock), NullLogger<ProactiveMessenger>.Instance);

    private void Answers(params SendOutcome[] outcomes)
    {
        var queue = new Queue<SendOutcome>(outcomes);
        _channel
            .Setup(c => c.SendAsync(Customer, It.IsAny<IReadOnlyList<Reply>>(), It.IsAny<CancellationToken>()))
            .Returns(
                (ConversationReference _, IReadOnlyList<Reply> replies, CancellationToken _) =>
                {
                    _asked.Add(string.Join("+", replies.Select(r => r.Text)));
                    return Task.FromResult(queue.Dequeue());
                }
            );
    }

    private async Task<SendOutcome> WhileTheClockRunsAsync(Task<SendOutcome> sending)
    {
        for (var i = 0; i < 100 && !sending.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        return await sending;
    }

    [Fact]
    public async Task ABusyChannel_IsTriedAgain_WithOnlyTheRepliesItHasNotTaken()
    {
        Answers(new SendOutcome(SendStatus.Throttled, "45009", Delivered: 1), SendOutcome.Sent);

        var outcome = await WhileTheClockRunsAsync(
            Messenger().SendAsync(Customer, [Reply.FromText("a"), Reply.FromText("b")], CancellationToken.None)
        );

        Assert.True(outcome.IsSent);
        Assert.Equal(["a+b", "b"], _asked);
    }

    [Fact]
    public async Task ASendNotDelivered_IsLogged_WithTheCustomersIdHashed()
    {
        Answers(new SendOutcome(SendStatus.Unreachable, "43004"));
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var messenger = new ProactiveMessenger(
            [_channel.Object],
            SendRetry.None,
            factory.CreateLogger<ProactiveMessenger>()
        );

        await messenger.SendAsync(Customer, [Reply.FromText("a")], CancellationToken.None);

        var line = Assert.Single(logs.Lines);
        Assert.Contains(LogIds.Of(Customer.UserId), line, StringComparison.Ordinal);
        Assert.DoesNotContain(Customer.UserId, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASendThatWentUnanswered_IsNotTriedAgain()
    {
        Answers(new SendOutcome(SendStatus.Unanswered, "ResponseEnded"), SendOutcome.Sent);

        var outcome = await WhileTheClockRunsAsync(
            Messenger().SendAsync(Customer, [Reply.FromText("a")], CancellationToken.None)
        );

        Assert.Equal(SendStatus.Unanswered, outcome.Status);
        Assert.Equal(["a"], _asked);
    }

    [Fact]
    public async Task AChannelBusyThroughEveryRetry_SaysSo_WithWhatItTook()
    {
        Answers([
            .. Enumerable.Repeat(new SendOutcome(SendStatus.Unavailable, "HTTP 500"), 3),
            new SendOutcome(SendStatus.Unavailable, "HTTP 500", Delivered: 1),
        ]);

        var outcome = await WhileTheClockRunsAsync(
            Messenger().SendAsync(Customer, [Reply.FromText("a"), Reply.FromText("b")], CancellationToken.None)
        );

        Assert.Equal((SendStatus.Unavailable, 1), (outcome.Status, outcome.Delivered));
        Assert.Equal(["a+b", "a+b", "a+b", "a+b"], _asked);
    }
}
