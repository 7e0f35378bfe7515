using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// Sign-in with the company's OpenID Connect provider (<c>Agents:OpenIdConnect</c>): authorization
/// code with PKCE; the agent's name and role come from the provider's token, and a person without
/// the <c>agent</c> or <c>supervisor</c> role is turned away. The session is the same cookie as a
/// password sign-in.
/// </summary>
internal static class AgentSso
{
    /// <summary>Marks a session signed in through the provider, not against the configured users.</summary>
    public const string ProviderClaim = "servicebot:provider";

    /// <summary>
    /// How a provider's agent is shown to people; their id is <c>sso:</c> and the provider's <c>sub</c>.
    /// </summary>
    public const string DisplayClaim = "servicebot:display";

    public static void Configure(OpenIdConnectOptions options, AgentOidcOptions oidc)
    {
        options.SignInScheme = AgentConsoleRegistration.Scheme;
        options.CallbackPath = "/agent/signin-oidc";
        options.Authority = oidc.Authority!.AbsoluteUri.TrimEnd('/');
        options.RequireHttpsMetadata = !oidc.Authority.IsLoopback;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = oidc.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        // The answer comes back as a top-level GET (response_mode=query), which Lax cookies survive;
        // over plain http (a loopback provider in tests) they cannot be Secure.
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.SaveTokens = false;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Events.OnTokenValidated = context =>
        {
            var principal = context.Principal!;
            // Identified by the provider's stable subject, prefixed so it can never be a configured
            // agent's name (those are letters, digits, '-', '_' and '.'); the editable names are for show.
            var subject = principal.FindFirstValue("sub");
            var name = subject is { Length: > 0 } ? "sso:" + subject : null;
            var shown = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("name") ?? subject;
            var roles = principal
                .FindAll(oidc.RoleClaim)
                .Select(c => c.Value)
                .Where(r => r is AgentRoles.Agent or AgentRoles.Supervisor)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            if (name is null || roles.Length == 0)
            {
                context.Fail("The provider did not say this person is an agent or a supervisor.");
                return Task.CompletedTask;
            }

            // The session keeps only what the console needs: a name and the roles.
            context.Principal = new ClaimsPrincipal(
                new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.Name, name),
                        new Claim(DisplayClaim, shown!),
                        new Claim(ProviderClaim, "oidc"),
                        .. roles.Select(r => new Claim(ClaimTypes.Role, r)),
                    ],
                    AgentConsoleRegistration.Scheme
                )
            );
            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = context =>
        {
            context.Response.Redirect("/agent/login?sso=failed");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }
}
