using Microsoft.AspNetCore.Authentication;

namespace ServiceBot.Bot.Merchant;

internal static class MerchantRegistration
{
    public const string Policy = "merchant";

    public static IServiceCollection AddMerchantApi(this IServiceCollection services)
    {
        services.AddOptions<MerchantOptions>().BindConfiguration(MerchantOptions.SectionName);
        services
            .AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, MerchantApiKeyAuthentication>(
                MerchantApiKeyAuthentication.SchemeName,
                null
            );
        services
            .AddAuthorizationBuilder()
            .AddPolicy(Policy, policy =>
                policy.AddAuthenticationSchemes(MerchantApiKeyAuthentication.SchemeName).RequireRole("merchant")
            );
        return services;
    }

    public static IEndpointRouteBuilder MapMerchantApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints
            .MapGroup("/api")
            .RequireAuthorization(Policy)
            .MapOrders()
            .MapMenu()
            .MapHelp()
            .MapReturns()
            .MapNoticeAudit()
            .MapCustomers()
            .MapCampaigns()
            .MapWebhooks()
            .MapInsights();
        return endpoints;
    }
}
