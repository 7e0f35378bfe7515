using System.Globalization;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// What proves a webhook request is WeChat's: the signature over token, timestamp and nonce, the
/// timestamp's freshness, and in safe mode the <c>msg_signature</c> and the AES envelope; and the
/// envelope a safe-mode reply goes back in.
/// </summary>
internal sealed class WeChatVerifier(IOptions<WeChatOptions> options, TimeProvider time)
{
    private readonly WeChatCrypto? _crypto = options.Value.SafeModeEnabled
        ? new WeChatCrypto(options.Value.EncodingAESKey!, options.Value.AppId)
        : null;

    public bool TryOpen(IQueryCollection q, WeChatXml envelope, out string inner, out string failure)
    {
        inner = "";
        if (_crypto is null)
        {
            failure = "safe mode is not configured (WeChat:EncodingAESKey)";
            return false;
        }

        if (envelope["Encrypt"] is not { Length: > 0 } cipher)
        {
            failure = "no Encrypt element";
            return false;
        }

        if (
            !WeChatSignature.Matches(
                q["msg_signature"],
                options.Value.Token,
                q["timestamp"].ToString(),
                q["nonce"].ToString(),
                cipher
            )
        )
        {
            failure = "msg_signature";
            return false;
        }

        return _crypto.TryDecrypt(cipher, out inner, out failure);
    }

    public bool SignatureValid(IQueryCollection q) =>
        WeChatSignature.Matches(q["signature"], options.Value.Token, q["timestamp"].ToString(), q["nonce"].ToString());

    public bool TimestampFresh(string? timestamp)
    {
        if (options.Value.MaxClockSkew is not { } skew)
        {
            return true;
        }

        return long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) <= skew.TotalSeconds;
    }

    /// <summary>The reply encrypted and signed for safe mode, or as it is when safe mode is off.</summary>
    public string Seal(string xml, string nonce, long now)
    {
        if (_crypto is null)
        {
            return xml;
        }

        var encrypted = _crypto.Encrypt(xml);
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        var signature = WeChatSignature.Compute(options.Value.Token, timestamp, nonce, encrypted);
        return WeChatReplyXml.Envelope(encrypted, signature, timestamp, nonce);
    }
}
