using System.Security.Cryptography;
using System.Text;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// How a customer is named in logs: a short hash of their id (a WeChat OpenID), enough to follow one
/// customer through the logs without writing the id, which identifies them to anyone with the account.
/// </summary>
internal static class LogIds
{
    public static string Of(string userId) =>
        "u-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)), 0, 6);
}
