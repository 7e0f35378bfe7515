using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A company sign-in provider on 127.0.0.1: discovery, keys, an authorize endpoint that signs in
/// whoever the test says at once, and a token endpoint that hands out a signed id_token for the code.
/// </summary>
public sealed class OidcStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Nonce, string ClientId)> _codes = new();

    private static readonly string[] Code = ["code"];
    private static readonly string[] Public = ["public"];
    private static readonly string[] Rs256 = ["RS256"];
    private static readonly string[] S256 = ["S256"];

    private OidcStandIn(WebApplication app) => _app = app;

    public Uri Authority { get; private set; } = null!;

    /// <summary>Who the next sign-in is: a user name and the values of their <c>roles</c> claim.</summary>
    public (string Name, string[] Roles) User { get; set; } = ("carol", ["agent"]);

    public static async Task<OidcStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var standIn = new OidcStandIn(builder.Build());
        standIn.Map();
        await standIn._app.StartAsync();
        standIn.Authority = new Uri(
            standIn
                ._app.Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses.First()
        );
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private string Issuer => Authority.AbsoluteUri.TrimEnd('/');

    private void Map()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(
                new Dictionary<string, object>
                {
                    ["issuer"] = Issuer,
                    ["authorization_endpoint"] = Issuer + "/authorize",
                    ["token_endpoint"] = Issuer + "/token",
                    ["jwks_uri"] = Issuer + "/jwks",
                    ["response_types_supported"] = Code,
                    ["subject_types_supported"] = Public,
                    ["id_token_signing_alg_values_supported"] = Rs256,
                    ["code_challenge_methods_supported"] = S256,
                }
            ));
        _app.MapGet("/jwks", () =>
        {
            var parameters = _key.ExportParameters(false);
            return Results.Json(
                new
                {
                    keys = new[]
                    {
                        new
                        {
                            kty = "RSA",
                            use = "sig",
                            kid = "k1",
                            alg = "RS256",
                            n = Base64UrlEncoder.Encode(parameters.Modulus),
                            e = Base64UrlEncoder.Encode(parameters.Exponent),
                        },
                    },
                }
            );
        });
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (request.Query["nonce"].ToString(), request.Query["client_id"].ToString());
            return Results.Redirect(
                $"{request.Query["redirect_uri"]}?code={code}"
                    + $"&state={Uri.EscapeDataString(request.Query["state"].ToString())}"
            );
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (
                !_codes.TryRemove(form["code"].ToString(), out var issued)
                || string.IsNullOrEmpty(form["code_verifier"])
            )
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var claims = new List<Claim>
            {
                new("sub", User.Name),
                new("preferred_username", User.Name),
                new("nonce", issued.Nonce),
            };
            claims.AddRange(User.Roles.Select(r => new Claim("roles", r)));
            var token = new JsonWebTokenHandler().CreateToken(
                new SecurityTokenDescriptor
                {
                    Issuer = Issuer,
                    Audience = issued.ClientId,
                    Subject = new ClaimsIdentity(claims),
                    IssuedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
                    Expires = TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(5),
                    SigningCredentials = new SigningCredentials(
                        new RsaSecurityKey(_key) { KeyId = "k1" },
                        SecurityAlgorithms.RsaSha256
                    ),
                }
            );
            return Results.Json(
                new
                {
                    id_token = token,
                    access_token = "at",
                    token_type = "Bearer",
                    expires_in = 300,
                }
            );
        });
    }
}
