using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// <c>Handoff:</c> how long a customer waits for an agent, how long an agent may stay silent, and when agents work.
/// </summary>
internal sealed class HandoffOptions
{
    public const string SectionName = "Handoff";

    /// <summary>
    /// No agent claims within this: the customer is told, offered a call back, and the bot takes over again.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An agent silent this long: the chat goes back to the queue.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Cases a minute, on each instance, that anonymous senders (web chat visitors) may open: a script
    /// cannot bury the agents' queue; above it, the visitor is asked to try again shortly.
    /// </summary>
    public int AnonymousCasesPerMinute { get; set; } = 10;

    /// <summary>When agents are at work, local time in <c>Policy:TimeZone</c>.</summary>
    public HoursOptions BusinessHours { get; set; } = new() { Start = new TimeOnly(9, 0), End = new TimeOnly(18, 0) };
}

internal sealed class HandoffOptionsValidator : IValidateOptions<HandoffOptions>
{
    public ValidateOptionsResult Validate(string? name, HandoffOptions options)
    {
        var failures = new List<string>();
        if (options.QueueTimeout <= TimeSpan.Zero || options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Handoff:QueueTimeout and Handoff:IdleTimeout must be positive.");
        }

        if (options.AnonymousCasesPerMinute < 1)
        {
            failures.Add("Handoff:AnonymousCasesPerMinute must be at least 1.");
        }

        if (options.BusinessHours.Start >= options.BusinessHours.End)
        {
            failures.Add("Handoff:BusinessHours:Start must be before Handoff:BusinessHours:End.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
