using System.Security.Cryptography;
using System.Text;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>WeChat's signature: SHA-1 over the lexicographically sorted parts, as lowercase hex.</summary>
internal static class WeChatSignature
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Security",
        "CA5350:Do not use weak cryptographic algorithms",
        Justification = "SHA-1 is what WeChat's signature protocol specifies; we verify, we do not choose."
    )]
    public static string Compute(params ReadOnlySpan<string> parts)
    {
        var sorted = parts.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
    }

    /// <summary>
    /// The JS-SDK's signature of a page: SHA-1 of <c>jsapi_ticket=…&amp;noncestr=…&amp;timestamp=…&amp;url=…</c>, the
    /// page's URL without its fragment.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Security",
        "CA5350:Do not use weak cryptographic algorithms",
        Justification = "SHA-1 is what WeChat's JS-SDK specifies."
    )]
    public static string JsSdk(string ticket, string nonce, long timestamp, string url)
    {
        var text = $"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url.Split('#')[0]}";
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Compares in constant time, so the check does not leak how many characters matched.</summary>
    public static bool Matches(string? presented, params ReadOnlySpan<string> parts)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length != 40)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(parts));
        var actual = Encoding.ASCII.GetBytes(presented.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
