namespace ServiceBot.Bot.Couriers;

/// <summary>
/// <c>Couriers:&lt;id&gt;:Secret</c>: the shared HMAC secret of each courier that may call the webhook.
/// </summary>
internal sealed class CourierOptions
{
    public const string SectionName = "Couriers";

    public Dictionary<string, CourierSettings> Couriers { get; } = new(StringComparer.Ordinal);
}

internal sealed class CourierSettings
{
    public string? Secret { get; set; }
}
