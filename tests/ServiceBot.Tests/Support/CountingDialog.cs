using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;

namespace ServiceBot.Tests.Support;

public sealed record Counter(int Value);

[JsonSerializable(typeof(Counter))]
internal sealed partial class CountingJsonContext : JsonSerializerContext;

/// <summary>
/// A root dialog for kernel and channel tests: counts messages in conversation state (the side
/// effect a test can count), records each run, and, given a gate, holds the turn open until the
/// test releases it. Shared with the integration tests by a linked file.
/// </summary>
internal sealed class CountingDialog(CountingDialog.Probe probe) : Dialog<Counter>(CountingJsonContext.Default.Counter)
{
    public const string DialogId = "counting";

    public static readonly StateProperty<Counter> Total = new("total", CountingJsonContext.Default.Counter);

    public override string Id => DialogId;

    protected override Task<DialogStep<Counter>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    ) => CountAsync(context, new Counter(0), cancellationToken);

    protected override Task<DialogStep<Counter>> OnContinueAsync(
        DialogContext context,
        Counter state,
        CancellationToken cancellationToken
    ) => CountAsync(context, state, cancellationToken);

    private async Task<DialogStep<Counter>> CountAsync(
        DialogContext context,
        Counter state,
        CancellationToken cancellationToken
    )
    {
        probe.Runs.Enqueue(context.Activity.Id);
        if (probe.Gate is { } gate)
        {
            probe.Entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        var total = (Total.Get(context.Turn)?.Value ?? 0) + 1;
        Total.Set(context.Turn, new Counter(total));
        context.SendText($"第{total}条", $"message {total}");
        return DialogStep.Wait(state with { Value = state.Value + 1 });
    }

    public sealed class Probe
    {
        public ConcurrentQueue<string> Runs { get; } = new();

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
