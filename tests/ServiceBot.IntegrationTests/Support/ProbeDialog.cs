using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;

namespace ServiceBot.IntegrationTests.Support;

public sealed record ProbeCount(int Value);

[JsonSerializable(typeof(ProbeCount))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;

/// <summary>
/// A root dialog for tests that counts messages in conversation state (the side effect we can
/// count) and, when given a gate, holds the turn open until the test releases it.
/// </summary>
internal sealed class ProbeDialog(ProbeDialog.Probe probe) : Dialog<ProbeCount>(ProbeJsonContext.Default.ProbeCount)
{
    public const string DialogId = "probe";

    public static readonly StateProperty<ProbeCount> Total = new("probe-total", ProbeJsonContext.Default.ProbeCount);

    public override string Id => DialogId;

    protected override Task<DialogStep<ProbeCount>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken) =>
        RunAsync(context, cancellationToken);

    protected override Task<DialogStep<ProbeCount>> OnContinueAsync(DialogContext context, ProbeCount state, CancellationToken cancellationToken) =>
        RunAsync(context, cancellationToken);

    private async Task<DialogStep<ProbeCount>> RunAsync(DialogContext context, CancellationToken cancellationToken)
    {
        probe.Runs.Enqueue(context.Activity.Id);
        if (probe.Gate is { } gate)
        {
            probe.Entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        var total = (Total.Get(context.Turn)?.Value ?? 0) + 1;
        Total.Set(context.Turn, new ProbeCount(total));
        context.SendText($"第{total}条", $"message {total}");
        return DialogStep.Wait(new ProbeCount(total));
    }

    public sealed class Probe
    {
        public ConcurrentQueue<string> Runs { get; } = new();

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
