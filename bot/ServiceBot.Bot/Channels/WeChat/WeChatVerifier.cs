using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// What proves a webhook request is WeChat's: the signature over token, timestamp and nonce, the
/// timestamp's freshness, and in safe mode the <c>msg_signature</c> and the AES envelope; and the
/// envelope a safe-mode reply goes back in.
/// </summary>
internal sealed class WeChatVerifier(IOptions<WeChatOptions> options, TimeProvider time) : IDisposable
{
    // WeChat sends far fewer messages than this within a window; past it, the cache drops the least used.
    private readonly MemoryCache _nonces = new(new MemoryCacheOptions { SizeLimit = 200_000 });

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

    public bool TimestampFresh(string? timestamp) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) <= options.Value.MaxClockSkew.TotalSeconds;

    /// <summary>Whether the mode takes this form of request (encrypted or plaintext).</summary>
    public bool Accepts(bool encrypted) =>
        options.Value.Mode switch
        {
            WeChatMessageMode.Safe => encrypted,
            WeChatMessageMode.Plain => !encrypted,
            _ => true,
        };

    /// <summary>
    /// False when the timestamp and nonce came before with another body. The signature covers no
    /// body, so a signed query string taken from a log could carry anything; WeChat's own retries send
    /// the same body again and pass. Remembered past the freshness window, after which the timestamp
    /// alone refuses the request. Each instance remembers its own.
    /// </summary>
    public bool FirstOrSameBody(string timestamp, string nonce, string body)
    {
        var key = timestamp + ":" + nonce;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(body));
        lock (_nonces)
        {
            if (_nonces.TryGetValue(key, out byte[]? seen))
            {
                return seen.AsSpan().SequenceEqual(hash);
            }

            _nonces.Set(
                key,
                hash,
                new MemoryCacheEntryOptions
                {
                    Size = 1,
                    AbsoluteExpirationRelativeToNow = options.Value.MaxClockSkew * 2,
                }
            );
            return true;
        }
    }

    public void Dispose() => _nonces.Dispose();

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
