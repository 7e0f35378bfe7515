using ServiceBot.Services.Menu;

namespace ServiceBot.Tests.Menu;

public sealed class MenuWordsTests
{
    [Theory]
    [InlineData("人工", true)]
    [InlineData("我要人工", true)]
    [InlineData("转人工客服！", true)]
    [InlineData("我想找客服", true)]
    [InlineData("帮我转人工吧", true)]
    [InlineData("agent", true)]
    [InlineData("talk to a human", true)]
    [InlineData("I want to speak to a real person.", true)]
    [InlineData("客服电话是多少", false)]
    [InlineData("人工智能是什么", false)]
    [InlineData("talk to me about the kettle", false)]
    [InlineData("转", false)]
    [InlineData("", false)]
    public void IsAgent_KnowsTheWaysPeopleAskForAPerson_NotSentencesThatMentionOne(string text, bool expected) =>
        Assert.Equal(expected, MenuWords.IsAgent(text));
}
