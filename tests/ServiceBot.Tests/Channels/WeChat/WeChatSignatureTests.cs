using ServiceBot.Bot.Channels.WeChat;

namespace ServiceBot.Tests.Channels.WeChat;

public sealed class WeChatSignatureTests
{
    [Fact]
    public void JsSdk_MatchesWeChatsPublishedExample()
    {
        // The JS-SDK documentation's appendix 1: its ticket, nonce, timestamp and URL, and the signature it gives.
        var signature = WeChatSignature.JsSdk(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value"
        );

        Assert.Equal("0f9de62fce790f9a083d5c99e95740ceb90c27ed", signature);
    }

    [Fact]
    public void JsSdk_SignsThePageWithoutItsFragment()
    {
        Assert.Equal(
            WeChatSignature.JsSdk("t", "n", 1, "https://bot.example/subscribe?topic=delivery"),
            WeChatSignature.JsSdk("t", "n", 1, "https://bot.example/subscribe?topic=delivery#top")
        );
    }
}
