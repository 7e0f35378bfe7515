using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ServiceBot.Bot.Channels.WeChat;

namespace ServiceBot.Bench.Load;

/// <summary>One request as WeChat sends it: the path with its signed query, and the body.</summary>
internal sealed record WeChatRequest(string PathAndQuery, string Body);

/// <summary>
/// Signed, encrypted (safe mode) text messages as WeChat delivers them: every message has its own
/// MsgId and nonce, customers take turns (message k of customer c is number k·customers + c), so a
/// run of any length meets many customers, each one again only after all the others.
/// </summary>
internal sealed class WeChatMessages
{
    public const string Token = "benchtoken";
    public const string AppId = "wxbench000000001";
    public const string Account = "gh_benchaccount";
    public const string Path = "/api/wechat";

    /// <summary>43 letters and digits: Base64 of a 32-byte key without its '=', as WeChat issues them.</summary>
    public const string EncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static readonly string[] Texts = ["你好", "在吗", "谢谢", "hello", "好的", "请问一下"];

    public static string OpenId(int customer) => $"o6_bench{customer:D20}";

    /// <summary>Builds <paramref name="count"/> messages from <paramref name="customers"/> customers.</summary>
    public static WeChatRequest[] Build(int customers, int count, DateTimeOffset now)
    {
        var crypto = new WeChatCrypto(EncodingAesKey, AppId);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var messages = new WeChatRequest[count];
        Parallel.For(0, count, i =>
        {
            var customer = i % customers;
            var openId = OpenId(customer);
            var msgId = (7_000_000_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture);
            var inner =
                $"<xml><ToUserName><![CDATA[{Account}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
                + $"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + $"<Content><![CDATA[{Texts[i % Texts.Length]}]]></Content><MsgId>{msgId}</MsgId></xml>";
            var encrypted = crypto.Encrypt(inner);
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(5));
            var query =
                $"signature={WeChatSignature.Compute(Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
                + $"&openid={openId}&encrypt_type=aes"
                + $"&msg_signature={WeChatSignature.Compute(Token, timestamp, nonce, encrypted)}";
            messages[i] = new WeChatRequest(
                $"{Path}?{query}",
                $"<xml><ToUserName><![CDATA[{Account}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            );
        });
        return messages;
    }

    /// <summary>Writes the messages for the wrk script: one a line, path and body split by a tab.</summary>
    public static void WriteForWrk(IEnumerable<WeChatRequest> messages, string file)
    {
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false));
        foreach (var m in messages)
        {
            writer.Write(m.PathAndQuery);
            writer.Write('\t');
            writer.Write(m.Body);
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Reads <paramref name="count"/> messages from line <paramref name="offset"/> of a file
    /// <see cref="WriteForWrk"/> wrote.
    /// </summary>
    public static WeChatRequest[] ReadForWrk(string file, int offset, int count) =>
        [
            .. File.ReadLines(file)
                .Skip(offset)
                .Take(count)
                .Select(line => line.Split('\t', 2))
                .Select(parts => new WeChatRequest(parts[0], parts[1])),
        ];

    /// <summary>The text of an encrypted passive reply, or null when the answer was not one.</summary>
    public static string? OpenReply(string body)
    {
        var envelope = WeChatXml.Parse(body);
        if (
            envelope["Encrypt"] is not { } cipher
            || !new WeChatCrypto(EncodingAesKey, AppId).TryDecrypt(cipher, out var inner, out _)
        )
        {
            return null;
        }

        var reply = WeChatXml.Parse(inner);
        return reply["Content"] ?? reply["MsgType"];
    }
}
