using System.Globalization;
using System.Text;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>Renders passive replies and safe-mode envelopes as WeChat XML.</summary>
internal static class WeChatReplyXml
{
    public static string Render(Reply reply, string toUser, string fromUser, long createTime)
    {
        var xml = new StringBuilder("<xml>");
        Element(xml, "ToUserName", toUser);
        Element(xml, "FromUserName", fromUser);
        xml.Append(CultureInfo.InvariantCulture, $"<CreateTime>{createTime}</CreateTime>");
        switch (reply.Kind)
        {
            case ReplyKind.Image:
                Element(xml, "MsgType", "image");
                xml.Append("<Image>");
                Element(xml, "MediaId", reply.MediaId ?? "");
                xml.Append("</Image>");
                break;
            case ReplyKind.News:
                // WeChat shows one article per passive news reply.
                var card = reply.Cards[0];
                Element(xml, "MsgType", "news");
                xml.Append("<ArticleCount>1</ArticleCount><Articles><item>");
                Element(xml, "Title", card.Title);
                Element(xml, "Description", card.Description ?? "");
                Element(xml, "PicUrl", card.PictureUrl?.AbsoluteUri ?? "");
                Element(xml, "Url", card.Url?.AbsoluteUri ?? "");
                xml.Append("</item></Articles>");
                break;
            default:
                Element(xml, "MsgType", "text");
                Element(xml, "Content", reply.Text ?? "");
                break;
        }

        return xml.Append("</xml>").ToString();
    }

    public static string Envelope(string encrypted, string signature, string timestamp, string nonce)
    {
        var xml = new StringBuilder("<xml>");
        Element(xml, "Encrypt", encrypted);
        Element(xml, "MsgSignature", signature);
        xml.Append(CultureInfo.InvariantCulture, $"<TimeStamp>{timestamp}</TimeStamp>");
        Element(xml, "Nonce", nonce);
        return xml.Append("</xml>").ToString();
    }

    private static void Element(StringBuilder xml, string name, string value) =>
        xml.Append('<')
            .Append(name)
            .Append("><![CDATA[")
            .Append(value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal))
            .Append("]]></")
            .Append(name)
            .Append('>');
}
