using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Scheduling;

/// <summary>
/// Quartz decides when; services decide whether. A persistent job store (SQLite by default,
/// PostgreSQL clustered for several instances) keeps what is scheduled across restarts, and its
/// schema is created at start-up when missing.
/// </summary>
internal static class SchedulingRegistration
{
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>()
        );

        // Quartz is configured while services are registered, so it reads the two raw settings it
        // needs; a malformed value is left to the options validators, which name the key at start-up.
        var postgres =
            Enum.TryParse<SchedulerProvider>(configuration["Scheduler:Provider"], ignoreCase: true, out var provider)
            && provider == SchedulerProvider.PostgreSql;
        var connectionString = configuration["Scheduler:ConnectionString"];
        var storagePath = configuration["Storage:Path"] is { Length: > 0 } path ? path : new StorageOptions().Path;
        services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
                if (postgres && !string.IsNullOrWhiteSpace(connectionString))
                {
                    store.UsePostgres(connectionString);
                    store.UseClustering(); // also gives each instance its own generated id
                }
                else
                {
                    store.UseSqlite(SqliteConnectionString(storagePath));
                }
            });
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler", tags: ["ready"]);
        return services;
    }

    private static string SqliteConnectionString(string storagePath)
    {
        PrivateFiles.CreateFolder(storagePath);
        // SQLite gives its -wal and -shm files the database file's mode.
        PrivateFiles.CreateFile(Path.Combine(storagePath, "scheduler.db"));
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(storagePath, "scheduler.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }
}

/// <summary>Ready when the scheduler has started and its job store answers.</summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            if (scheduler.Status != SchedulerStatus.Running)
            {
                return HealthCheckResult.Unhealthy($"The scheduler is {scheduler.Status}.");
            }

            // A lookup that goes to the job store, so a database that went away shows here.
            await scheduler.Exists(new JobKey("readiness", "servicebot"), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (SchedulerException e)
        {
            return HealthCheckResult.Unhealthy("The scheduler's job store cannot be reached.", e);
        }
    }
}
