using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Policy;

public static class PolicyRegistration
{
    /// <summary>The policy's settings (validated at start-up) and the policy itself; safe to call from several features.</summary>
    public static IServiceCollection AddNoticePolicy(this IServiceCollection services)
    {
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>());
        services.TryAddSingleton(provider => new NoticePolicy(provider.GetRequiredService<IOptions<PolicyOptions>>().Value));
        return services;
    }
}
