using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Conversations;

public sealed class MainDialogTests
{
    private static TestFlow WithProfileTopic() =>
        new(services => services.AddDialog<ProfileDialog>().AddSingleton<ITopic, ProfileTopic>());

    [Fact]
    public Task Subscribe_GreetsInChineseWithTheMenu() =>
        WithProfileTopic().SendEvent("subscribe").ExpectReply("欢迎关注").RunAsync();

    [Fact]
    public Task Help_InEnglish_AnswersInEnglish_ThenChineseWhenTheUserSwitches() =>
        WithProfileTopic().Send("help").ExpectReply("1. Profile").Send("帮助").ExpectReply("1. 个人资料").RunAsync();

    [Fact]
    public Task Topic_ByKeyword_RunsToCompletion_AndTheMenuTakesOverAgain() =>
        WithProfileTopic()
            .Send("我的资料")
            .ExpectReply("您叫什么名字")
            .Send("安")
            .ExpectReply("你好，安")
            .ExpectState(r => Assert.Equal(["main"], r.DialogStack.Select(f => f.DialogId)))
            .Send("menu")
            .ExpectReply("Reply with a number")
            .RunAsync();

    [Fact]
    public Task Topic_ByNumberOrMenuClick_Begins() =>
        WithProfileTopic()
            .Send("1")
            .ExpectReply("您叫什么名字")
            .Send("取消")
            .ExpectReply("已取消")
            .SendEvent("CLICK", "PROFILE")
            .ExpectReply("您叫什么名字")
            .RunAsync();

    [Fact]
    public Task Cancel_InTheMiddleOfATopic_EndsIt_AndTheNextAnswerIsNotTakenAsAName() =>
        WithProfileTopic()
            .Send("profile")
            .ExpectReply("What is your name?")
            .Send("cancel")
            .ExpectReply("cancelled")
            .ExpectState(r => Assert.Single(r.DialogStack))
            .Send("Ann")
            .ExpectReply("didn't get that")
            .RunAsync();

    [Fact]
    public Task NotUnderstood_CountsInARow_AndResetsWhenUnderstood() =>
        WithProfileTopic()
            .Send("asdf")
            .ExpectReply("didn't get that")
            .Send("qwer")
            .ExpectReply("didn't get that")
            .ExpectState(r =>
                Assert.Contains(
                    "\"notUnderstood\":2",
                    r.DialogStack[0]
                        .State!.Value.GetRawText()
                        .Replace("NotUnderstood", "notUnderstood", StringComparison.Ordinal),
                    StringComparison.Ordinal
                )
            )
            .Send("help")
            .ExpectReply("Reply with a number")
            .ExpectState(r =>
                Assert.Contains("0", r.DialogStack[0].State!.Value.GetRawText(), StringComparison.Ordinal)
            )
            .RunAsync();

    [Fact]
    public Task OtherEvents_GetNoReply() =>
        WithProfileTopic().SendEvent("VIEW", "https://example.com").SendEvent("unsubscribe").ExpectNoReply().RunAsync();

    [Fact]
    public Task WithNoTopics_TheMenuSaysSoInsteadOfListingNothing() =>
        new TestFlow().Send("help").ExpectReply("More services are on their way").RunAsync();
}
