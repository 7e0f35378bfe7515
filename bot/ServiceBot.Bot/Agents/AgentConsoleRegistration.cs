using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// The agent console: cookie sign-in for configured agents, anti-forgery on every change, the
/// console's API under <c>/agent/api</c>, live updates over SignalR at <c>/agent/hub</c>.
/// </summary>
internal static class AgentConsoleRegistration
{
    public const string Scheme = "AgentCookie";
    public const string Policy = "agent";
    public const string SupervisorPolicy = "supervisor";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";
    public const string OidcScheme = "AgentOidc";

    public static IServiceCollection AddAgentConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddSingleton<AgentAccounts>();
        services.TryAddSingleton<SignInBackOff>();
        services.AddSingleton<IAgentFeed, SignalRAgentFeed>();
        services.AddSignalR();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "servicebot.agent.af";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        var authentication = services
            .AddAuthentication()
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = "servicebot.agent";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/agent/login";
                options.LogoutPath = "/agent/logout";
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                // The API and the hub answer 401/403; only pages redirect to the sign-in form.
                options.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = StoredAgentSessions.ValidateAsync;
            });
        services
            .AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IDocumentStore, TimeProvider>(
                (options, store, time) => options.SessionStore = new StoredAgentSessions(store, time)
            );

        // The provider's handler looks at every request for its callback, so it exists only when configured;
        // a malformed setting is left to the options validator, which names the key at start-up.
        if (Uri.TryCreate(configuration["Agents:OpenIdConnect:Authority"], UriKind.Absolute, out _))
        {
            authentication.AddOpenIdConnect(OidcScheme, _ => { });
            services
                .AddOptions<OpenIdConnectOptions>(OidcScheme)
                .Configure<IOptions<AgentOptions>>(
                    (options, agents) => AgentSso.Configure(options, agents.Value.OpenIdConnect)
                );
        }

        services
            .AddAuthorizationBuilder()
            .AddPolicy(Policy, policy =>
                policy.AddAuthenticationSchemes(Scheme).RequireRole(AgentRoles.Agent, AgentRoles.Supervisor)
            )
            .AddPolicy(SupervisorPolicy, policy =>
                policy.AddAuthenticationSchemes(Scheme).RequireRole(AgentRoles.Supervisor)
            );
        return services;
    }

    public static IEndpointRouteBuilder MapAgentConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAgentPages();
        endpoints
            .MapGroup("/agent/api")
            .RequireAuthorization(Policy)
            .AddEndpointFilter(ValidateAntiforgeryAsync)
            .MapAgentApi()
            .MapSupervisorApi();
        endpoints.MapHub<AgentHub>("/agent/hub");
        return endpoints;
    }

    /// <summary>How people see the agent: the provider's name for a provider's agent, else the agent's name.</summary>
    public static string ShownAs(ClaimsPrincipal user) => user.FindFirstValue(AgentSso.DisplayClaim) ?? NameOf(user);

    public static string NameOf(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("An agent endpoint ran without a signed-in agent.");

    private static Task Refuse(
        Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context,
        int status
    )
    {
        if (
            context.Request.Path.StartsWithSegments("/agent/api")
            || context.Request.Path.StartsWithSegments("/agent/hub")
        )
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // Every change is made with the token the console got from /agent/api/me, so another site cannot make it.
    private static async ValueTask<object?> ValidateAntiforgeryAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem(
                    "The anti-forgery token is missing or wrong; reload the console.",
                    statusCode: StatusCodes.Status400BadRequest
                );
            }
        }

        return await next(context);
    }
}
