using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Policy;

/// <summary>The no-spam policy's settings; this slice holds the customer's time zone, used for every time shown.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>IANA zone for quiet hours and for times shown to customers.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Policy:TimeZone '{options.TimeZone}' is not a known IANA time zone (e.g. Asia/Shanghai).");
}
