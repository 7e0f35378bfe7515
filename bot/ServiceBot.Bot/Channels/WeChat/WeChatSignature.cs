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
