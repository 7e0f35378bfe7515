using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// <c>Agents:</c> who may sign in to the console (<c>Agents:Users:{name}:PasswordHash</c>, made with
/// <c>dotnet ServiceBot.Bot.dll hash-password</c>, and <c>:Role</c> <c>agent</c> or <c>supervisor</c>),
/// and the canned replies offered while typing.
/// </summary>
internal sealed class AgentOptions
{
    public const string SectionName = "Agents";

    public Dictionary<string, AgentUser> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Sign-in through the company's OpenID Connect provider, beside (or instead of) configured users.
    /// </summary>
    public AgentOidcOptions OpenIdConnect { get; set; } = new();

    public List<string> CannedReplies { get; set; } =
    [
        "您好，请问有什么可以帮您？",
        "请拍一张商品问题处的照片发给我。",
        "已为您登记，我们会在 24 小时内处理。",
        "感谢您的耐心等待。",
    ];
}

/// <summary>
/// <c>Agents:OpenIdConnect:</c> when <see cref="Authority"/> is set, agents may sign in with the
/// provider (authorization code + PKCE). Who is an agent or a supervisor comes from the provider's
/// <see cref="RoleClaim"/> (values <c>agent</c> / <c>supervisor</c>); anyone else is turned away.
/// </summary>
internal sealed class AgentOidcOptions
{
    public Uri? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string RoleClaim { get; set; } = "roles";

    public bool Enabled => Authority is not null;
}

internal sealed class AgentUser
{
    /// <summary>ASP.NET Core Identity's PBKDF2 hash of the password (never the password itself).</summary>
    public string PasswordHash { get; set; } = "";

    public string Role { get; set; } = AgentRoles.Agent;
}

internal static class AgentRoles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
}

/// <summary>Checks a name and password against the configured users, in constant time per hash.</summary>
internal sealed class AgentAccounts(IOptionsMonitor<AgentOptions> options)
{
    private static readonly PasswordHasher<AgentUser> Hasher = new();

    public IReadOnlyCollection<string> Names => options.CurrentValue.Users.Keys;

    /// <summary>The configured user of that name as configuration says now, or null.</summary>
    public AgentUser? Find(string name) => options.CurrentValue.Users.GetValueOrDefault(name);

    public AgentUser? SignIn(string? name, string? password)
    {
        if (
            string.IsNullOrEmpty(name)
            || string.IsNullOrEmpty(password)
            || !options.CurrentValue.Users.TryGetValue(name, out var user)
        )
        {
            // Hash anyway, so an unknown name takes as long as a wrong password.
            Hasher.VerifyHashedPassword(new AgentUser(), DecoyHash, password ?? "");
            return null;
        }

        return
            Hasher.VerifyHashedPassword(user, user.PasswordHash, password)
                is PasswordVerificationResult.Success
                    or PasswordVerificationResult.SuccessRehashNeeded
            ? user
            : null;
    }

    public static string Hash(string password) => Hasher.HashPassword(new AgentUser(), password);

    private static readonly string DecoyHash = Hash("decoy-password-for-timing");
}

internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        foreach (var (user, settings) in options.Users)
        {
            if (user.Length is 0 or > 32 || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                failures.Add($"Agents:Users: '{user}' must be 1-32 letters, digits, '-', '_' or '.'.");
            }

            if (!IsIdentityHash(settings.PasswordHash))
            {
                failures.Add(
                    $"Agents:Users:{user}:PasswordHash must be a hash made by 'dotnet ServiceBot.Bot.dll "
                        + $"hash-password', not a password."
                );
            }

            if (settings.Role is not (AgentRoles.Agent or AgentRoles.Supervisor))
            {
                failures.Add($"Agents:Users:{user}:Role must be agent or supervisor.");
            }
        }

        if (options.OpenIdConnect is { Enabled: true } oidc)
        {
            if (!oidc.Authority!.IsAbsoluteUri || (oidc.Authority.Scheme != "https" && !oidc.Authority.IsLoopback))
            {
                failures.Add("Agents:OpenIdConnect:Authority must be an absolute https URL.");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add("Agents:OpenIdConnect:ClientId is required when Agents:OpenIdConnect:Authority is set.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Identity v3 hashes are Base64 of a 0x01 marker and at least 61 bytes.
    private static bool IsIdentityHash(string hash)
    {
        var bytes = new byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var length) && length >= 61 && bytes[0] == 0x01;
    }
}
