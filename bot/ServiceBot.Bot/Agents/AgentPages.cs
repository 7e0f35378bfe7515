using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// The console's pages: the sign-in form (anonymous), and the console itself with its script and
/// style (signed-in agents only; they are served from the build output, never as public static files).
/// </summary>
internal static class AgentPages
{
    private static readonly string ConsoleFolder = Path.Combine(AppContext.BaseDirectory, "Agents", "Console");

    public static IEndpointRouteBuilder MapAgentPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(
            "/agent/login",
            (HttpContext http, IAntiforgery antiforgery, IOptions<AgentOptions> options, string? sso) =>
                LoginPage(
                    http,
                    antiforgery,
                    sso == "failed" ? "单点登录未成功 / Single sign-on did not let you in." : null,
                    options.Value.OpenIdConnect.Enabled
                )
        );
        endpoints.MapPost("/agent/login", SignInAsync).RequireRateLimiting(Operations.RateLimiting.AgentSignIn);
        endpoints.MapGet("/agent/login/sso", (IOptions<AgentOptions> options) =>
            options.Value.OpenIdConnect.Enabled
                ? Results.Challenge(
                    new AuthenticationProperties { RedirectUri = "/agent" },
                    [AgentConsoleRegistration.OidcScheme]
                )
                : Results.NotFound()
        );
        endpoints
            .MapPost("/agent/logout", async (HttpContext http) =>
            {
                await http.SignOutAsync(AgentConsoleRegistration.Scheme);
                return Results.Redirect("/agent/login");
            })
            .RequireAuthorization(AgentConsoleRegistration.Policy);

        endpoints.MapGet("/agent/login.css", () => File("login.css", "text/css; charset=utf-8"));
        var console = endpoints.MapGroup("/agent").RequireAuthorization(AgentConsoleRegistration.Policy);
        console.MapGet("", () => File("console.html", "text/html; charset=utf-8"));
        console.MapGet("/console.js", () => File("console.js", "text/javascript; charset=utf-8"));
        console.MapGet("/console.css", () => File("console.css", "text/css; charset=utf-8"));
        console
            .MapGet("/supervisor", () => File("supervisor.html", "text/html; charset=utf-8"))
            .RequireAuthorization(AgentConsoleRegistration.SupervisorPolicy);
        console
            .MapGet("/supervisor.js", () => File("supervisor.js", "text/javascript; charset=utf-8"))
            .RequireAuthorization(AgentConsoleRegistration.SupervisorPolicy);
        console
            .MapGet("/supervisor.css", () => File("supervisor.css", "text/css; charset=utf-8"))
            .RequireAuthorization(AgentConsoleRegistration.SupervisorPolicy);
        console.MapGet("/signalr.min.js", () => File("signalr.min.js", "text/javascript; charset=utf-8"));
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http,
        [FromForm] string? name,
        [FromForm] string? password,
        AgentAccounts accounts,
        SignInBackOff backOff,
        IAntiforgery antiforgery,
        IOptions<AgentOptions> options
    )
    {
        if (backOff.WaitFor(name) is { } wait)
        {
            var minutes = (int)Math.Ceiling(wait.TotalMinutes);
            return LoginPage(
                http,
                antiforgery,
                $"这个账号尝试次数太多，请 {minutes} 分钟后再试 / Too many tries for this name: try again in {minutes} min.",
                options.Value.OpenIdConnect.Enabled,
                StatusCodes.Status429TooManyRequests
            );
        }

        if (accounts.SignIn(name, password) is not { } user)
        {
            backOff.Missed(name);
            return LoginPage(
                http,
                antiforgery,
                "用户名或密码不对 / Wrong name or password.",
                options.Value.OpenIdConnect.Enabled
            );
        }

        backOff.SignedIn(name!);
        await http.SignInAsync(AgentConsoleRegistration.Scheme, StoredAgentSessions.AgentPrincipal(name!, user.Role));
        return Results.Redirect("/agent");
    }

    private static IResult File(string name, string contentType) =>
        Results.File(Path.Combine(ConsoleFolder, name), contentType);

    private static IResult LoginPage(
        HttpContext http,
        IAntiforgery antiforgery,
        string? error,
        bool sso,
        int refused = StatusCodes.Status401Unauthorized
    )
    {
        var ssoLink = sso
            ? "<a id=\"sso\" href=\"/agent/login/sso\">用公司账号登录 / Sign in with your company account</a>"
            : "";
        var token = antiforgery.GetAndStoreTokens(http);
        var message = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="zh">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ServiceBot 客服登录 / Agent sign-in</title>
            <link rel="stylesheet" href="/agent/login.css"></head>
            <body>
            <form method="post" action="/agent/login">
              <h1>客服登录 · Agent sign-in</h1>
              {{message}}
              <input type="hidden" name="{{token.FormFieldName}}" value="{{token.RequestToken}}">
              <label>用户名 / Name <input id="name" name="name" autocomplete="username" required></label>
              <label>密码 / Password
                <input id="password" name="password" type="password" autocomplete="current-password" required></label>
              <button id="signin" type="submit">登录 / Sign in</button>
              {{ssoLink}}
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: error is null ? 200 : refused);
    }
}
