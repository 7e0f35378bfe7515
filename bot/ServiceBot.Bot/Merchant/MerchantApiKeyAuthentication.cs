using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Merchant;

internal sealed class MerchantOptions
{
    public const string SectionName = "Merchant";

    /// <summary>
    /// The key merchant systems send as <c>X-Api-Key</c>; with none set, the merchant APIs answer 401.
    /// </summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// The <c>X-Api-Key</c> scheme: the merchant's systems. Keys are compared as SHA-256 hashes in
/// constant time, so neither the content nor the length of the key shows in the time taken.
/// </summary>
internal sealed class MerchantApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    IOptions<MerchantOptions> merchant
) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggers, encoder)
{
    public const string SchemeName = "MerchantApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = merchant.Value.ApiKey;
        if (
            string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(presented.ToString())),
                SHA256.HashData(Encoding.UTF8.GetBytes(expected))
            )
        )
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid merchant API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, "merchant")], SchemeName);
        return Task.FromResult(
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName))
        );
    }
}
