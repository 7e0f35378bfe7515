using System.Globalization;
using System.Text;
using ServiceBot.Bot.Channels.WeChat;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>Builds webhook requests the way WeChat signs and encrypts them, and opens the replies.</summary>
internal static class WeChatWire
{
    public const string Bot = "gh_servicebot";

    public static string Text(string openId, long msgId, string content, long createTime = 1_763_870_400) =>
        $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>"
        + $"<![CDATA[{content}]]></Content>"
        + $"<MsgId>{msgId}</MsgId></xml>";

    public static string Image(string openId, long msgId, string mediaId, long createTime = 1_763_870_400) =>
        $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl>"
        + $"<![CDATA[http://mmbiz.example/{mediaId}.jpg]]></PicUrl>"
        + $"<MediaId><![CDATA[{mediaId}]]></MediaId><MsgId>{msgId}</MsgId></xml>";

    /// <summary>A voice note (with WeChat's recognition) or a video, by its media id.</summary>
    public static string Recording(
        string openId,
        long msgId,
        string type,
        string mediaId,
        long createTime = 1_763_870_400
    ) =>
        $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[{type}]]></MsgType>"
        + $"<MediaId><![CDATA[{mediaId}]]></MediaId>"
        + (type == "voice" ? "<Format><![CDATA[amr]]></Format><Recognition><![CDATA[杯子漏水]]></Recognition>" : "")
        + (type == "video" ? "<ThumbMediaId><![CDATA[thumb-1]]></ThumbMediaId>" : "")
        + $"<MsgId>{msgId}</MsgId></xml>";

    public static string Event(string openId, string name, string key = "", long createTime = 1_763_870_400) =>
        $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>"
        + $"<EventKey><![CDATA[{key}]]></EventKey></xml>";

    /// <summary>The subscribe-message popup's answer: each template accepted or rejected.</summary>
    public static string SubscribePopup(
        string openId,
        long createTime,
        params (string TemplateId, bool Accepted)[] choices
    ) =>
        $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event>"
        + $"<![CDATA[subscribe_msg_popup_event]]></Event>"
        + "<SubscribeMsgPopupEvent>"
        + string.Concat(
            choices.Select(c =>
                $"<List><TemplateId><![CDATA[{c.TemplateId}]]></TemplateId><SubscribeStatusString>"
                + $"<![CDATA[{(c.Accepted ? "accept" : "reject")}]]></SubscribeStatusString>"
                + $"<PopupScene>2</PopupScene></List>"
            )
        )
        + "</SubscribeMsgPopupEvent></xml>";

    public static HttpRequestMessage Plain(
        string xml,
        string openId,
        string token = BotFactory.Token,
        string? timestamp = null,
        string? nonce = null
    )
    {
        timestamp ??= Now();
        nonce ??= NewNonce();
        var signature = WeChatSignature.Compute(token, timestamp, nonce);
        return new HttpRequestMessage(
            HttpMethod.Post,
            $"/api/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={openId}"
        )
        {
            Content = new StringContent(xml, Encoding.UTF8, "text/xml"),
        };
    }

    public static HttpRequestMessage Encrypted(
        string xml,
        string openId,
        string appId = BotFactory.AppId,
        string? timestamp = null,
        string? nonce = null
    )
    {
        var cipher = new WeChatCrypto(BotFactory.AesKey, appId).Encrypt(xml);
        return Envelope(cipher, openId, timestamp, nonce);
    }

    /// <summary>An encrypted request around any ciphertext, correctly signed unless told otherwise.</summary>
    public static HttpRequestMessage Envelope(
        string cipher,
        string openId,
        string? timestamp = null,
        string? nonce = null,
        string? msgSignature = null
    )
    {
        timestamp ??= Now();
        nonce ??= NewNonce();
        var signature = WeChatSignature.Compute(BotFactory.Token, timestamp, nonce);
        msgSignature ??= WeChatSignature.Compute(BotFactory.Token, timestamp, nonce, cipher);
        var body = $"<xml><ToUserName><![CDATA[{Bot}]]></ToUserName><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>";
        return new HttpRequestMessage(
            HttpMethod.Post,
            $"/api/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={openId}"
                + $"&encrypt_type=aes&msg_signature={msgSignature}"
        )
        {
            Content = new StringContent(body, Encoding.UTF8, "text/xml"),
        };
    }

    /// <summary>Checks the reply's MsgSignature the way WeChat does, then decrypts it.</summary>
    public static WeChatXml OpenReply(string envelopeXml)
    {
        var envelope = WeChatXml.Parse(envelopeXml);
        var cipher = envelope["Encrypt"]!;
        Assert.True(
            WeChatSignature.Matches(
                envelope["MsgSignature"],
                BotFactory.Token,
                envelope["TimeStamp"]!,
                envelope["Nonce"]!,
                cipher
            ),
            "reply MsgSignature does not verify"
        );
        Assert.True(
            new WeChatCrypto(BotFactory.AesKey, BotFactory.AppId).TryDecrypt(cipher, out var inner, out var failure),
            failure
        );
        return WeChatXml.Parse(inner);
    }

    public static long NewMsgId() => Random.Shared.NextInt64(1_000_000_000_000, long.MaxValue);

    public static string OpenId() => "o" + Guid.NewGuid().ToString("N")[..27];

    public static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>As WeChat stamps a request: now, which the bot checks against its clock.</summary>
    public static string Now() => Unix(TimeProvider.System.GetUtcNow());

    /// <summary>WeChat's nonce is a fresh random number a request.</summary>
    public static string NewNonce() =>
        Random.Shared.Next(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
}
