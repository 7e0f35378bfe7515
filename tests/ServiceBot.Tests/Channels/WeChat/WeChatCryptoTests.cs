using System.Security.Cryptography;
using System.Text;
using ServiceBot.Bot.Channels.WeChat;

namespace ServiceBot.Tests.Channels.WeChat;

/// <summary>Tencent's published WXBizMsgCrypt samples, then our own round trips and tampering.</summary>
public sealed class WeChatCryptoTests
{
    // From Tencent's official WXBizMsgCrypt sample (Sample.py / Sample.cs): decrypt vector.
    private const string SampleKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string SampleToken = "spamtest";
    private const string SampleAppId = "wx2c2769f8efd9abc2";
    private const string SampleTimestamp = "1409735669";
    private const string SampleNonce = "1320562132";
    private const string SampleMsgSignature = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
    private const string SampleEncrypt =
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFm"
        + "OD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8d"
        + "KOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5"
        + "RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNP"
        + "fUM669WuMyVWQLCzpu9GhglF2PE=";

    // From Tencent's official Java sample test (WXBizMsgCryptTest): encrypt with fixed random bytes.
    private const string JavaSampleAppId = "wxb11529c136998cb6";
    private const string JavaSampleRandom = "aaaabbbbccccdddd";
    private const string JavaSampleMessage = "我是中文abcd123";
    private const string JavaSampleCipher =
        "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    [Fact]
    public void Signature_OfficialSample_Matches()
    {
        Assert.Equal(
            SampleMsgSignature,
            WeChatSignature.Compute(SampleToken, SampleTimestamp, SampleNonce, SampleEncrypt)
        );
        Assert.True(
            WeChatSignature.Matches(SampleMsgSignature, SampleToken, SampleTimestamp, SampleNonce, SampleEncrypt)
        );
        Assert.True(
            WeChatSignature.Matches(
                SampleMsgSignature.ToUpperInvariant(),
                SampleToken,
                SampleTimestamp,
                SampleNonce,
                SampleEncrypt
            )
        );
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5d197aaffba7e9b25a30732f161a50dee96bd5fb")]
    [InlineData("5d197aaffba7e9b25a30732f161a50dee96bd5f")]
    public void Signature_WrongOrMissing_DoesNotMatch(string? presented) =>
        Assert.False(WeChatSignature.Matches(presented, SampleToken, SampleTimestamp, SampleNonce, SampleEncrypt));

    [Fact]
    public void Decrypt_OfficialSample_GivesTheMessage()
    {
        var crypto = new WeChatCrypto(SampleKey, SampleAppId);

        Assert.True(crypto.TryDecrypt(SampleEncrypt, out var xml, out var failure), failure);
        var message = WeChatXml.Parse(xml);
        Assert.Equal("oyORnuP8q7ou2gfYjqLzSIWZf0rs", message["FromUserName"]);
        Assert.Equal("abcdteT", message["Content"]);
        Assert.Equal("6054768590064713728", message["MsgId"]);
    }

    [Fact]
    public void Encrypt_OfficialJavaSample_GivesThePublishedCiphertext()
    {
        var crypto = new WeChatCrypto(SampleKey, JavaSampleAppId);

        var cipher = crypto.Encrypt(JavaSampleMessage, Encoding.ASCII.GetBytes(JavaSampleRandom));

        Assert.Equal(JavaSampleCipher, cipher);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("一段中文，带标点。<xml><![CDATA[]]></xml>")]
    public void RoundTrip_AnyMessage_ComesBackUnchanged(string message)
    {
        var crypto = new WeChatCrypto(SampleKey, SampleAppId);
        Assert.True(crypto.TryDecrypt(crypto.Encrypt(message), out var back, out _));
        Assert.Equal(message, back);
    }

    [Fact]
    public void RoundTrip_EveryLengthAcrossBlockBoundaries_Works()
    {
        var crypto = new WeChatCrypto(SampleKey, SampleAppId);
        for (var length = 0; length < 70; length++)
        {
            var message = new string('a', length);
            Assert.True(crypto.TryDecrypt(crypto.Encrypt(message), out var back, out var failure), failure);
            Assert.Equal(message, back);
        }
    }

    [Fact]
    public void Decrypt_ForeignAppId_IsRefused()
    {
        var foreign = new WeChatCrypto(SampleKey, "wxsomebodyelse");
        var ours = new WeChatCrypto(SampleKey, SampleAppId);

        Assert.False(ours.TryDecrypt(foreign.Encrypt("<xml/>"), out _, out var failure));
        Assert.Equal("AppId does not match", failure);
    }

    [Fact]
    public void Decrypt_BadPadding_IsRefused()
    {
        // A plaintext whose last byte is 0 (not a valid PKCS#7 pad) encrypted raw.
        var key = Convert.FromBase64String(SampleKey + "=");
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = Convert.ToBase64String(aes.EncryptCbc(new byte[64], key[..16], PaddingMode.None));

        Assert.False(new WeChatCrypto(SampleKey, SampleAppId).TryDecrypt(cipher, out _, out var failure));
        Assert.Equal("bad padding", failure);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("")]
    public void Decrypt_Garbage_IsRefused(string cipher) =>
        Assert.False(new WeChatCrypto(SampleKey, SampleAppId).TryDecrypt(cipher, out _, out _));

    [Fact]
    public void Decrypt_FlippedByte_IsRefusedOrChanged()
    {
        var crypto = new WeChatCrypto(SampleKey, SampleAppId);
        var bytes = Convert.FromBase64String(crypto.Encrypt("<xml><Content>hi</Content></xml>"));
        bytes[^1] ^= 0x5a;

        var ok = crypto.TryDecrypt(Convert.ToBase64String(bytes), out var message, out _);

        Assert.False(ok && message == "<xml><Content>hi</Content></xml>");
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDE+G", false)]
    public void IsValidKey_ChecksLengthAndAlphabet(string key, bool valid) =>
        Assert.Equal(valid, WeChatCrypto.IsValidKey(key));
}
