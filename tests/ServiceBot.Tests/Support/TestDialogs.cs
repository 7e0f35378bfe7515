using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Menu;

namespace ServiceBot.Tests.Support;

public sealed record ProfileState(int Step);

public sealed record Counter(int Value);

[JsonSerializable(typeof(ProfileState))]
[JsonSerializable(typeof(Counter))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>A two-step topic: asks a name, then greets and completes.</summary>
internal sealed class ProfileDialog : Dialog<ProfileState>
{
    public ProfileDialog()
        : base(TestJsonContext.Default.ProfileState)
    {
    }

    public override string Id => "profile";

    protected override Task<DialogStep<ProfileState>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken)
    {
        context.SendText("您叫什么名字？", "What is your name?");
        return Task.FromResult(DialogStep.Wait(new ProfileState(1)));
    }

    protected override Task<DialogStep<ProfileState>> OnContinueAsync(DialogContext context, ProfileState state, CancellationToken cancellationToken)
    {
        if (context.Text == "agent")
        {
            return Task.FromResult(DialogStep.Handoff<ProfileState>("asked for a person"));
        }

        context.SendText($"你好，{context.Text}", $"Hello, {context.Text}");
        return Task.FromResult(DialogStep.Complete<ProfileState>(context.Text));
    }
}

internal sealed class ProfileTopic : ITopic
{
    public string MenuKey => "PROFILE";

    public string DialogId => "profile";

    public int Order => 1;

    public string Title(bool english) => english ? "Profile" : "个人资料";

    public bool Matches(string text) => text.Contains("profile", StringComparison.OrdinalIgnoreCase) || text.Contains("资料", StringComparison.Ordinal);
}

/// <summary>
/// Root dialog for kernel tests: counts messages in a state property and records each run,
/// optionally waiting on a gate so tests can hold a turn open.
/// </summary>
internal sealed class CountingDialog(CountingDialog.Probe probe) : Dialog<Counter>(TestJsonContext.Default.Counter)
{
    public static readonly StateProperty<Counter> Total = new("total", TestJsonContext.Default.Counter);

    public override string Id => "counting";

    protected override Task<DialogStep<Counter>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken) =>
        CountAsync(context, new Counter(0), cancellationToken);

    protected override Task<DialogStep<Counter>> OnContinueAsync(DialogContext context, Counter state, CancellationToken cancellationToken) =>
        CountAsync(context, state, cancellationToken);

    private async Task<DialogStep<Counter>> CountAsync(DialogContext context, Counter state, CancellationToken cancellationToken)
    {
        probe.Runs.Enqueue(context.Activity.Id);
        if (probe.Gate is { } gate)
        {
            probe.Entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        var total = (Total.Get(context.Turn)?.Value ?? 0) + 1;
        Total.Set(context.Turn, new Counter(total));
        context.SendText($"#{total}", $"#{total}");
        return DialogStep.Wait(state with { Value = state.Value + 1 });
    }

    public sealed class Probe
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Runs { get; } = new();

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
