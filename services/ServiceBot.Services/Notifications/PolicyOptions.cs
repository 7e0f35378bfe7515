using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// The no-spam policy's own settings (<c>Policy:</c>), defaults as in the contract; the time zone
/// and WeChat's window are the shop's (<see cref="ShopOptions"/>).
/// </summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    public HoursOptions DeliveryHours { get; set; } = new() { Start = new TimeOnly(7, 0), End = new TimeOnly(22, 0) };

    public HoursOptions PromotionHours { get; set; } = new() { Start = new TimeOnly(10, 0), End = new TimeOnly(20, 0) };

    public int PromotionsPerDay { get; set; } = 1;

    public int PromotionsPerWeek { get; set; } = 2;

    public int DeliveryNoticesPerDay { get; set; } = 5;

    /// <summary>
    /// Promotions in a row left without a reply or click for <see cref="FatigueWindow"/> before promotions pause.
    /// </summary>
    public int FatigueStreak { get; set; } = 3;

    public TimeSpan FatigueWindow { get; set; } = TimeSpan.FromHours(48);
}

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        if (options.DeliveryHours.Start >= options.DeliveryHours.End)
        {
            failures.Add("Policy:DeliveryHours:Start must be before Policy:DeliveryHours:End.");
        }

        if (options.PromotionHours.Start >= options.PromotionHours.End)
        {
            failures.Add("Policy:PromotionHours:Start must be before Policy:PromotionHours:End.");
        }

        if (
            options.PromotionsPerDay < 1
            || options.PromotionsPerWeek < options.PromotionsPerDay
            || options.DeliveryNoticesPerDay < 1
        )
        {
            failures.Add(
                "Policy caps: PromotionsPerDay >= 1 (withdraw consent to stop promotions), "
                    + "PromotionsPerWeek >= PromotionsPerDay, DeliveryNoticesPerDay >= 1."
            );
        }

        if (options.FatigueStreak < 1 || options.FatigueWindow <= TimeSpan.Zero)
        {
            failures.Add("Policy:FatigueStreak and FatigueWindow must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
