using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Conversations;

public sealed class LocalesTests
{
    [Theory]
    [InlineData("查订单", "zh")]
    [InlineData("查订单 A1001", "zh")]
    [InlineData("where is my order", "en")]
    [InlineData("help", "en")]
    [InlineData("the 2nd one", "en")]
    [InlineData("A1001", null)]
    [InlineData("OLD-1", null)]
    [InlineData("2", null)]
    [InlineData("👍", null)]
    [InlineData("", null)]
    public void Detect_TellsLanguageFromWords_NotFromIds(string text, string? expected) =>
        Assert.Equal(expected, Locales.Detect(text));
}
