using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Policy;

/// <summary>The no-spam policy's settings (<c>Policy:</c>), defaults as in the contract.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>IANA zone for quiet hours and for times shown to customers.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public HoursOptions DeliveryHours { get; set; } = new() { Start = new TimeOnly(7, 0), End = new TimeOnly(22, 0) };

    public HoursOptions PromotionHours { get; set; } = new() { Start = new TimeOnly(10, 0), End = new TimeOnly(20, 0) };

    public int PromotionsPerDay { get; set; } = 1;

    public int PromotionsPerWeek { get; set; } = 2;

    public int DeliveryNoticesPerDay { get; set; } = 5;

    /// <summary>Promotions in a row left without a reply or click for <see cref="FatigueWindow"/> before promotions pause.</summary>
    public int FatigueStreak { get; set; } = 3;

    public TimeSpan FatigueWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>WeChat: customer-service messages are allowed this long after the user's last message...</summary>
    public TimeSpan ServiceWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>...and at most this many of them per window (WeChat's quota since June 2023).</summary>
    public int ServiceMessagesPerWindow { get; set; } = 5;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>A local daily window, start inclusive, end exclusive.</summary>
public sealed class HoursOptions
{
    public TimeOnly Start { get; set; }

    public TimeOnly End { get; set; }
}

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            failures.Add($"Policy:TimeZone '{options.TimeZone}' is not a known IANA time zone (e.g. Asia/Shanghai).");
        }

        if (options.DeliveryHours.Start >= options.DeliveryHours.End)
        {
            failures.Add("Policy:DeliveryHours:Start must be before Policy:DeliveryHours:End.");
        }

        if (options.PromotionHours.Start >= options.PromotionHours.End)
        {
            failures.Add("Policy:PromotionHours:Start must be before Policy:PromotionHours:End.");
        }

        if (options.PromotionsPerDay < 1 || options.PromotionsPerWeek < options.PromotionsPerDay || options.DeliveryNoticesPerDay < 1)
        {
            failures.Add("Policy caps: PromotionsPerDay >= 1 (withdraw consent to stop promotions), PromotionsPerWeek >= PromotionsPerDay, DeliveryNoticesPerDay >= 1.");
        }

        if (options.FatigueStreak < 1 || options.ServiceMessagesPerWindow < 1 || options.ServiceWindow <= TimeSpan.Zero || options.FatigueWindow <= TimeSpan.Zero)
        {
            failures.Add("Policy:FatigueStreak, ServiceMessagesPerWindow, ServiceWindow and FatigueWindow must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
