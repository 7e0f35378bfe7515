using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Scheduling;

namespace ServiceBot.Services.Privacy;

/// <summary><c>Privacy:</c> how long what a customer left behind is kept.</summary>
internal sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>Days after an unfollow before the customer's data is erased (a return within them stops it).</summary>
    public int EraseAfterUnfollowDays { get; set; } = 30;

    /// <summary>Days a closed case (transcript and photos) is kept.</summary>
    public int RetentionDays { get; set; } = 365;
}

internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options) =>
        options.EraseAfterUnfollowDays < 1 || options.RetentionDays < 1
            ? ValidateOptionsResult.Fail("Privacy:EraseAfterUnfollowDays and Privacy:RetentionDays must be at least 1.")
            : ValidateOptionsResult.Success;
}

internal static class PrivacyRegistration
{
    /// <summary>Export and erasure of a customer's data, the unfollow clock, and closed cases' retention.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        services.AddSingleton<CustomerRecords>();
        services.AddSingleton<ClosedCaseRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<ClosedCaseRetention>());
        return services;
    }
}

/// <summary>
/// Unfollowing starts the erasure clock: a job erases the customer's data after
/// <c>Privacy:EraseAfterUnfollowDays</c>, unless they came back (wrote or followed again) since.
/// </summary>
internal sealed class UnfollowErasure(ISchedulerFactory schedulers, IOptions<PrivacyOptions> options, TimeProvider time)
    : INotificationHandler<ConsentWithdrawn>
{
    public const string Group = "privacy-erasures";

    public async ValueTask Handle(ConsentWithdrawn withdrawn, CancellationToken cancellationToken)
    {
        if (withdrawn.Source != ConsentSource.Unfollow)
        {
            return;
        }

        var customer = withdrawn.Customer;
        var job = JobBuilder
            .Create<ErasureJob>()
            .WithIdentity($"{customer.Channel}:{customer.UserId}", Group)
            .UsingJobData("channel", customer.Channel)
            .UsingJobData("userId", customer.UserId)
            .UsingJobData(
                "unfollowedAt",
                withdrawn.At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)
            )
            .RequestRecovery()
            .Build();
        await (await schedulers.GetScheduler(cancellationToken)).ScheduleOrMoveAsync(
            job,
            time.GetUtcNow().AddDays(options.Value.EraseAfterUnfollowDays),
            cancellationToken
        );
    }
}

/// <summary>Erases an unfollowed customer's data when the clock runs out, unless they came back.</summary>
[DisallowConcurrentExecution]
internal sealed class ErasureJob(CustomerRecords records, ConversationStateStore conversations) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var customer = new ConversationReference(data.GetString("channel")!, data.GetString("userId")!);
        var unfollowedAt = DateTimeOffset.FromUnixTimeSeconds(
            long.Parse(data.GetString("unfollowedAt")!, System.Globalization.CultureInfo.InvariantCulture)
        );
        var record = (await conversations.LoadAsync(customer, cancellationToken)).Record;
        if (record.LastUserActivityAt > unfollowedAt)
        {
            return; // they came back: the clock stops
        }

        await records.EraseAsync(customer, "erased after unfollowing", cancellationToken);
    }
}
