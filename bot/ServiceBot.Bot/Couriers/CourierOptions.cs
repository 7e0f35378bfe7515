namespace ServiceBot.Bot.Couriers;

/// <summary>
/// <c>Couriers:&lt;id&gt;:Secret</c> and <c>:Carriers</c>: each courier that may call the webhook, its
/// shared HMAC secret, and the carriers (as orders name them) whose parcels it may report on.
/// </summary>
internal sealed class CourierOptions
{
    public const string SectionName = "Couriers";

    public Dictionary<string, CourierSettings> Couriers { get; } = new(StringComparer.Ordinal);
}

internal sealed class CourierSettings
{
    public string? Secret { get; set; }

    /// <summary>Case-insensitive; none configured: the courier may report on no parcel.</summary>
    public IReadOnlySet<string> Carriers { get; init; } = new HashSet<string>();

    public static IReadOnlySet<string> ParseCarriers(string? list) =>
        (list ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
