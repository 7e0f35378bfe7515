using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using ServiceBot.Bot.Agents;
using ServiceBot.Bot.Operations;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the merchant and courier APIs as OpenAPI 3 (ASP.NET Core's own generator),
/// and <c>/openapi</c>, the same rendered by Scalar. For the merchant's key, or a supervisor signed in to
/// the console (a browser cannot send the key).
/// </summary>
internal static class ApiDescription
{
    public const string DocumentPath = "/openapi/v1.json";
    private const string Policy = "api-description";

    public static IServiceCollection AddApiDescription(this IServiceCollection services)
    {
        // Enums on the wire are their names (the contract's words), and numbers are numbers, as the
        // endpoints' own JSON contexts read them (the web default also takes strings): the document says so.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = api =>
                api.RelativePath is { } path
                && (path.StartsWith("api/courier/", StringComparison.Ordinal) || IsMerchant(api));
            options.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info = new OpenApiInfo
                    {
                        Title = "ServiceBot merchant and courier APIs",
                        Version = "v1",
                        Description =
                            "Merchant endpoints take the key in X-Api-Key. The courier webhook is signed: "
                            + "X-Signature = hex HMAC-SHA256(secret, \"{X-Timestamp}.{raw body}\").",
                    };
                    // The address it was asked at is the asker's business: the document is the same everywhere.
                    document.Servers = [];
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes[MerchantApiKeyAuthentication.SchemeName] =
                        new OpenApiSecurityScheme
                        {
                            Type = SecuritySchemeType.ApiKey,
                            In = ParameterLocation.Header,
                            Name = MerchantApiKeyAuthentication.Header,
                            Description = "Merchant:ApiKey",
                        };
                    return Task.CompletedTask;
                }
            );
            options.AddSchemaTransformer(
                (schema, context, _) =>
                {
                    // The bodies take every field as optional so that a missing one is named in a 400;
                    // the document says which the API requires.
                    // Enums travel as their names: a generator needs the type to say so.
                    if (schema.Enum is { Count: > 0 } && schema.Type is null)
                    {
                        schema.Type = JsonSchemaType.String;
                    }

                    if (RequiredFields.TryGetValue(context.JsonTypeInfo.Type, out var required))
                    {
                        schema.Required = new HashSet<string>(required, StringComparer.Ordinal);
                    }
                    else if (schema is { Required: { } always, Properties: { } properties })
                    {
                        // Answers leave a null out: such a property is not always there.
                        foreach (
                            var name in always.Where(n => properties.TryGetValue(n, out var p) && MayBeNull(p)).ToList()
                        )
                        {
                            always.Remove(name);
                        }
                    }

                    return Task.CompletedTask;
                }
            );
            options.AddOperationTransformer(
                (operation, context, _) =>
                {
                    if (IsMerchant(context.Description))
                    {
                        operation.Security =
                        [
                            new OpenApiSecurityRequirement
                            {
                                [
                                    new OpenApiSecuritySchemeReference(
                                        MerchantApiKeyAuthentication.SchemeName,
                                        context.Document
                                    )
                                ] = [],
                            },
                        ];
                    }

                    return Task.CompletedTask;
                }
            );
        });
        services
            .AddAuthorizationBuilder()
            .AddPolicy(Policy, policy =>
                policy
                    .AddAuthenticationSchemes(MerchantApiKeyAuthentication.SchemeName, AgentConsoleRegistration.Scheme)
                    .RequireRole("merchant", AgentRoles.Supervisor)
            );
        return services;
    }

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policy);
        // Scalar's own page starts it with an inline script, which the pages' CSP refuses: ours loads
        // Scalar's script (served here, no CDN) and starts it from a file.
        endpoints.MapScalarApiReference("/openapi/scalar").RequireAuthorization(Policy);
        endpoints.MapGet("/openapi", ReferencePage).RequireAuthorization(Policy).ExcludeFromDescription();
        endpoints
            .MapGet("/openapi/reference.js", () =>
                Results.Text(
                    $"Scalar.createApiReference('#app', {{ url: '{DocumentPath}', withDefaultFonts: false }});",
                    "text/javascript; charset=utf-8"
                )
            )
            .RequireAuthorization(Policy)
            .ExcludeFromDescription();
        return endpoints;
    }

    private static IResult ReferencePage(HttpContext http)
    {
        // Scalar styles itself at run time; its scripts stay our own files.
        http.Response.Headers.ContentSecurityPolicy =
            SecurityHeaders.ContentSecurityPolicy + "; style-src 'self' 'unsafe-inline'";
        return Results.Content(
            """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>ServiceBot API</title>
            </head>
            <body>
              <div id="app"></div>
              <script src="/openapi/scalar/scalar.js"></script>
              <script src="/openapi/reference.js"></script>
            </body>
            </html>
            """,
            "text/html; charset=utf-8"
        );
    }

    private static readonly Dictionary<Type, string[]> RequiredFields = new()
    {
        [typeof(OrderBody)] = ["placedAt", "status", "items"],
        [typeof(OrderItemBody)] = ["sku", "name", "quantity", "price"],
        [typeof(ShipmentBody)] = ["status"],
        [typeof(ContactBody)] = [],
        [typeof(CampaignBody)] = ["campaignId", "title", "body", "sendAt"],
        [typeof(CampaignAudienceBody)] = [],
        [typeof(DecisionBody)] = ["approve"],
        [typeof(InstructionsBody)] = [],
    };

    private static bool MayBeNull(IOpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Null)
        || schema.OneOf is { } choices && choices.Any(c => c.Type == JsonSchemaType.Null);

    private static bool IsMerchant(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription api) =>
        api
            .ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Any(a => a.Policy == MerchantRegistration.Policy);
}
