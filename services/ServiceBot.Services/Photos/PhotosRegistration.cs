using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServiceBot.Services.Photos;

internal static class PhotosRegistration
{
    /// <summary>
    /// Customers' photos (returns, handoff), downloaded through the host's <see cref="IMediaDownloader"/>.
    /// </summary>
    public static IServiceCollection AddCustomerPhotos(this IServiceCollection services)
    {
        services.TryAddSingleton<CustomerPhotos>();
        return services;
    }
}
