using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Conversations;

/// <summary>
/// Shop-wide settings that several features read: the time zone times are shown in, and WeChat's
/// customer-service window with its quota. Their keys sit under <c>Policy:</c>, as the contract names them.
/// </summary>
internal sealed class ShopOptions
{
    public const string SectionName = "Policy";

    /// <summary>IANA zone for quiet hours and for times shown to customers.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>WeChat: customer-service messages are allowed this long after the user's last message...</summary>
    public TimeSpan ServiceWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>...and at most this many of them per window (WeChat's quota since June 2023).</summary>
    public int ServiceMessagesPerWindow { get; set; } = 5;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>A local daily window, start inclusive, end exclusive.</summary>
internal sealed class HoursOptions
{
    public TimeOnly Start { get; set; }

    public TimeOnly End { get; set; }

    /// <summary>The first moment at or after <paramref name="at"/> inside the window, in the zone given.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        if (time >= Start && time < End)
        {
            return at;
        }

        var date = DateOnly.FromDateTime(local.DateTime);
        var day = time < Start ? date : date.AddDays(1);

        // A wall-clock time skipped by a DST jump moves forward past the gap.
        var wall = day.ToDateTime(Start, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(30);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}

internal sealed class ShopOptionsValidator : IValidateOptions<ShopOptions>
{
    public ValidateOptionsResult Validate(string? name, ShopOptions options)
    {
        var failures = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            failures.Add($"Policy:TimeZone '{options.TimeZone}' is not a known IANA time zone (e.g. Asia/Shanghai).");
        }

        if (options.ServiceMessagesPerWindow < 1 || options.ServiceWindow <= TimeSpan.Zero)
        {
            failures.Add("Policy:ServiceMessagesPerWindow and ServiceWindow must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
