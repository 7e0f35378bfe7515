using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// Agents' sessions live on the server (<c>agent-sessions/{id}</c>), the cookie carries only the id:
/// signing out deletes the session everywhere, and a cookie made elsewhere (from a copy of the store,
/// say) names no session here. ASP.NET Core's cookie handler asks this store on every request.
/// </summary>
internal sealed class StoredAgentSessions(IDocumentStore store, TimeProvider time) : ITicketStore
{
    private const string Prefix = "agent-sessions";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await RenewAsync(id, ticket);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket) =>
        await store.TryWriteAsync(
            KeyOf(key),
            TicketSerializer.Default.Serialize(ticket),
            WriteCondition.None,
            CancellationToken.None
        );

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!IsId(key) || await store.ReadAsync(KeyOf(key), CancellationToken.None) is not { } document)
        {
            return null;
        }

        var ticket = TicketSerializer.Default.Deserialize(document.Content.ToArray());
        if (ticket?.Properties.ExpiresUtc is { } expires && expires <= time.GetUtcNow())
        {
            await RemoveAsync(key);
            return null;
        }

        return ticket;
    }

    public async Task RemoveAsync(string key)
    {
        if (IsId(key))
        {
            await store.DeleteAsync(KeyOf(key), CancellationToken.None);
        }
    }

    /// <summary>
    /// Checks a session against configuration as it is now: a password agent since removed is signed
    /// out at once, and one whose role changed works with the new role from this request on.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal?.FindFirstValue(AgentSso.ProviderClaim) is not null || principal?.Identity?.Name is not { } name)
        {
            // Agents of the company's provider: who they are was the provider's word at sign-in.
            return;
        }

        var accounts = context.HttpContext.RequestServices.GetRequiredService<AgentAccounts>();
        if (accounts.Find(name) is not { } user)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AgentConsoleRegistration.Scheme);
            return;
        }

        if (!principal.IsInRole(user.Role))
        {
            context.ReplacePrincipal(AgentPrincipal(name, user.Role));
            context.ShouldRenew = true;
        }
    }

    public static ClaimsPrincipal AgentPrincipal(string name, string role) =>
        new(
            new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)],
                AgentConsoleRegistration.Scheme
            )
        );

    private static bool IsId(string key) => key.Length == 32 && key.All(char.IsAsciiHexDigitLower);

    private static string KeyOf(string id) => StorageKey.Join(Prefix, id);
}
