using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Conversations.Delivery;

/// <summary><c>Notices:ClaimLease</c>: the outbox's claim lease (the key keeps its contract name).</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Notices";

    /// <summary>
    /// How long a claimed send is protected; after it, a claim never marked sent counts as cut off by a crash (and is
    /// not sent again).
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = SendOnceOutbox.DefaultLease;
}

internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options) =>
        options.ClaimLease >= TimeSpan.FromSeconds(5) && options.ClaimLease <= TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Notices:ClaimLease must be between 00:00:05 and 01:00:00.");
}
