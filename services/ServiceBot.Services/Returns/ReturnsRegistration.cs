using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Photos;

namespace ServiceBot.Services.Returns;

internal static class ReturnsRegistration
{
    /// <summary>
    /// Photo-based returns; the host provides <see cref="IMediaDownloader"/> for its channels, and the notices road
    /// (<c>AddNotices</c>) tells the customer the merchant's decision.
    /// </summary>
    public static IServiceCollection AddReturns(this IServiceCollection services)
    {
        services.AddOptions<ReturnsOptions>().BindConfiguration(ReturnsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ReturnsOptions>, ReturnsOptionsValidator>()
        );
        services.TryAddSingleton<ReturnStore>();
        services.TryAddSingleton<ReturnDecisions>();
        services.TryAddSingleton<ReturnOutcomeNotices>();
        services.AddDialog<ReturnDialog>();
        services.AddDialog<ReturnStatusDialog>();
        services.AddSingleton<ITopic, ReturnTopic>();
        services.AddSingleton<ITopic, ReturnStatusTopic>();
        return services;
    }
}

internal sealed class ReturnsOptionsValidator : IValidateOptions<ReturnsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReturnsOptions options)
    {
        var failures = new List<string>();
        if (options.WindowDays is < 0 or > 365)
        {
            failures.Add("Returns:WindowDays must be between 0 and 365.");
        }

        if (options.MaxPhotos is < 1 or > 9)
        {
            failures.Add("Returns:MaxPhotos must be between 1 and 9.");
        }

        if (options.MaxPhotoBytes is < 1024 or > 20 * 1024 * 1024)
        {
            failures.Add("Returns:MaxPhotoBytes must be between 1024 and 20971520.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
