using ServiceBot.Services.Understanding;

namespace ServiceBot.Tests.Understanding;

public sealed class ChoiceParserTests
{
    [Theory]
    [InlineData("2", 2)]
    [InlineData(" 3 ", 3)]
    [InlineData("二", 2)]
    [InlineData("两", 2)]
    [InlineData("第二个", 2)]
    [InlineData("第2个", 2)]
    [InlineData("第三条", 3)]
    [InlineData("第一单", 1)]
    [InlineData("十", 10)]
    [InlineData("十一", 11)]
    [InlineData("最后一个", 5)]
    [InlineData("two", 2)]
    [InlineData("Second", 2)]
    [InlineData("the second one", 2)]
    [InlineData("the 2nd one", 2)]
    [InlineData("3rd", 3)]
    [InlineData("#4", 4)]
    [InlineData("number 1", 1)]
    [InlineData("no. 5", 5)]
    [InlineData("the last one", 5)]
    public void Pick_RecognisesNumbersAndOrdinals(string text, int expected) =>
        Assert.Equal(expected, ChoiceParser.Pick(text, 12 - 7 + (expected > 5 ? expected : 0)));

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("第六个")]
    [InlineData("sixth")]
    [InlineData("")]
    [InlineData("是的")]
    [InlineData("two orders please")]
    [InlineData("A1001")]
    [InlineData("12345")]
    public void Pick_OutOfRangeOrNotAChoice_IsNull(string text) => Assert.Null(ChoiceParser.Pick(text, 5));
}
