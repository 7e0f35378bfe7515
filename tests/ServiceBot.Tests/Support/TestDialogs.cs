using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Menu;

namespace ServiceBot.Tests.Support;

public sealed record ProfileState(int Step);

[JsonSerializable(typeof(ProfileState))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>A two-step topic: asks a name, then greets and completes.</summary>
internal sealed class ProfileDialog : Dialog<ProfileState>
{
    public ProfileDialog()
        : base(TestJsonContext.Default.ProfileState) { }

    public override string Id => "profile";

    protected override Task<DialogStep<ProfileState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        context.SendText("您叫什么名字？", "What is your name?");
        return Task.FromResult(DialogStep.Wait(new ProfileState(1)));
    }

    protected override Task<DialogStep<ProfileState>> OnContinueAsync(
        DialogContext context,
        ProfileState state,
        CancellationToken cancellationToken
    )
    {
        if (context.Text == "hand me over")
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

    public bool Matches(string text) =>
        text.Contains("profile", StringComparison.OrdinalIgnoreCase) || text.Contains("资料", StringComparison.Ordinal);
}
