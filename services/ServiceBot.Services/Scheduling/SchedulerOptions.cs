using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Scheduling;

internal enum SchedulerProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary><c>Scheduler:</c> where Quartz keeps its jobs and triggers.</summary>
internal sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>
    /// <c>Sqlite</c>: one instance, file under <c>Storage:Path</c>. <c>PostgreSql</c>: clustered, several instances.
    /// </summary>
    public SchedulerProvider Provider { get; set; } = SchedulerProvider.Sqlite;

    /// <summary>Npgsql connection string for <see cref="SchedulerProvider.PostgreSql"/>.</summary>
    public string? ConnectionString { get; set; }
}

internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options) =>
        options.Provider switch
        {
            SchedulerProvider.PostgreSql when string.IsNullOrWhiteSpace(options.ConnectionString) =>
                ValidateOptionsResult.Fail(
                    "Scheduler:ConnectionString is required when Scheduler:Provider is PostgreSql."
                ),
            SchedulerProvider.Sqlite or SchedulerProvider.PostgreSql => ValidateOptionsResult.Success,
            _ => ValidateOptionsResult.Fail("Scheduler:Provider must be Sqlite or PostgreSql."),
        };
}
