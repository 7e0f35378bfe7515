using Polly;
using Polly.Retry;

namespace ServiceBot.Services.Conversations.Delivery;

/// <summary>
/// How a send the channel did not take (busy, or down) is tried again: after about 1, 2 and 4
/// seconds (jittered), then it is the caller's to defer. Each try is the caller's own callback, so
/// a caller can let go of what it holds while waiting: the outbox releases its claim, and a crash
/// between tries leaves nothing cut off. A send that went out unanswered is never tried again.
/// </summary>
internal sealed class SendRetry
{
    /// <summary>One try, no retry (tests that script each outcome, and callers that retry themselves).</summary>
    public static SendRetry None { get; } = new(ResiliencePipeline<SendOutcome>.Empty);

    private readonly ResiliencePipeline<SendOutcome> _pipeline;

    public SendRetry(TimeProvider time)
        : this(
            new ResiliencePipelineBuilder<SendOutcome> { TimeProvider = time }
                .AddRetry(
                    new RetryStrategyOptions<SendOutcome>
                    {
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { IsTransient: true }),
                        MaxRetryAttempts = 3,
                        BackoffType = DelayBackoffType.Exponential,
                        Delay = TimeSpan.FromSeconds(1),
                        UseJitter = true,
                    }
                )
                .Build()
        ) { }

    private SendRetry(ResiliencePipeline<SendOutcome> pipeline) => _pipeline = pipeline;

    public async Task<SendOutcome> RunAsync(
        Func<CancellationToken, Task<SendOutcome>> attempt,
        CancellationToken cancellationToken
    ) => await _pipeline.ExecuteAsync(async token => await attempt(token), cancellationToken);
}
