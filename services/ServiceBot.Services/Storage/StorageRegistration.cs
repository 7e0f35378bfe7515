using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Services.Storage;

internal static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>()
        );
        services.TryAddSingleton<IDocumentStore>(CreateStore);
        services.AddHostedService<StorageInitializer>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    private static IDocumentStore CreateStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider != StorageProvider.AzureBlob)
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<LogDocumentStore>();
            var folder = options.LocalStorePath;
            var formatZero = LegacyLogImport.SetAside(folder);
            var local = new LogDocumentStore(
                folder,
                durability: options.Durability,
                cacheBytes: options.CacheMegabytes * 1024L * 1024,
                logger: logger
            );
            StoreLog.Opened(
                logger,
                folder,
                options.Durability == LocalDurability.Synced ? "on the disk" : "handed to the operating system"
            );
            try
            {
                if (formatZero is not null)
                {
                    LegacyLogImport.Import(formatZero, local, logger);
                }

                SqliteImport.ImportIfPresent(options.LegacyDatabasePath, local);
            }
            catch
            {
                local.Dispose();
                throw;
            }

            return local;
        }

        // BlobClientOptions from DI when registered (retries, diagnostics); every attempt is counted.
        var blobOptions = provider.GetService<BlobClientOptions>() ?? WebhookFriendly();
        blobOptions.AddPolicy(new StorageMetrics.BlobRequestCounter(), Azure.Core.HttpPipelinePosition.PerRetry);
        return new BlobDocumentStore(
            new BlobServiceClient(options.ConnectionString, blobOptions).GetBlobContainerClient(options.Container)
        );
    }

    /// <summary>
    /// Retries that fit inside WeChat's 5 seconds: the SDK's defaults (0.8 s doubling, 100 s network
    /// timeout) would keep a turn waiting on an unreachable store long after WeChat gave up, where
    /// failing within a second lets the webhook answer 503 and WeChat's own retry try again.
    /// </summary>
    internal static BlobClientOptions WebhookFriendly()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        return options;
    }
}

/// <summary>Creates the blob container before the first request; the local store makes its schema itself.</summary>
internal sealed class StorageInitializer(IDocumentStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        store is BlobDocumentStore blobs ? blobs.EnsureContainerAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class StorageHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            await store.CheckReachableAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
