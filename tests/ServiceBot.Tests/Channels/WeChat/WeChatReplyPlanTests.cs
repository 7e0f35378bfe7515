using System.Text;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Channels.WeChat;

/// <summary>WeChat limits a text message in bytes: long answers go in pieces cut at sentence ends.</summary>
public sealed class WeChatReplyPlanTests
{
    // 40 Chinese sentences of 30 characters: 3,640 bytes, 1,240 characters (under a character limit of 2,000).
    private static readonly string LongAnswer = string.Concat(
        Enumerable.Range(0, 40).Select(i => $"第{i:D2}步：先把水壶里的水倒掉，再加入柠檬酸和清水煮沸一次后静置。")
    );

    [Fact]
    public void ALongChineseText_IsSplitByBytes_AtSentenceEnds_LosingNothing()
    {
        var pieces = WeChatReplyPlan.Split(LongAnswer);

        Assert.True(pieces.Count >= 2);
        Assert.All(pieces, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= WeChatReplyPlan.MaxTextBytes));
        Assert.All(pieces.SkipLast(1), p => Assert.EndsWith("。", p, StringComparison.Ordinal));
        Assert.Equal(LongAnswer, string.Concat(pieces));
    }

    [Fact]
    public void TextWithoutSentenceEnds_IsCutAtTheLimit_NeverInsideACharacter()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 700)); // 4 bytes each, two chars each

        var pieces = WeChatReplyPlan.Split(emoji);

        Assert.All(pieces, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= WeChatReplyPlan.MaxTextBytes));
        Assert.All(pieces, p => Assert.False(char.IsHighSurrogate(p[^1])));
        Assert.Equal(emoji, string.Concat(pieces));
    }

    [Fact]
    public void ShortTexts_AreJoinedWhileTheyFit_LongOnesAreNot()
    {
        var merged = WeChatReplyPlan.Merge([
            Reply.FromText("您好"),
            Reply.FromText(LongAnswer),
            Reply.FromText("还有问题吗？"),
        ]);

        Assert.All(merged, r => Assert.True(Encoding.UTF8.GetByteCount(r.Text!) <= WeChatReplyPlan.MaxTextBytes));
        Assert.StartsWith("您好\n\n第00步", merged[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("还有问题吗？", merged[^1].Text, StringComparison.Ordinal);
    }
}
