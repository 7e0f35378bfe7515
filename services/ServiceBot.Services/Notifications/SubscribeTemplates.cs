namespace ServiceBot.Services.Notifications;

/// <summary>
/// <c>WeChat:Templates</c>: the subscribe-message template per topic, and how a notice fills the
/// template's fields. A field's value is a text with placeholders (<c>{orderId}</c>, <c>{status}</c>,
/// <c>{carrier}</c>, <c>{trackingNumber}</c>, <c>{location}</c>, <c>{title}</c>, <c>{body}</c>);
/// WeChat's length limits per field type (thing 20, character_string 32, phrase 5, ...) are applied.
/// </summary>
internal sealed class SubscribeTemplateOptions
{
    public const string SectionName = "WeChat:Templates";

    /// <summary>Template id for delivery notices; empty: no one-time consents for delivery.</summary>
    public string? Delivery { get; set; }

    /// <summary>Template id for promotions; empty: no one-time consents for promotions.</summary>
    public string? Promotion { get; set; }

    public Dictionary<string, string> DeliveryFields { get; set; } =
        new()
        {
            ["character_string1"] = "{orderId}",
            ["phrase2"] = "{status}",
            ["thing3"] = "{carrier} {trackingNumber}",
            ["thing4"] = "{location}",
        };

    public Dictionary<string, string> PromotionFields { get; set; } =
        new() { ["thing1"] = "{title}", ["thing2"] = "{body}" };

    public string? TemplateFor(NoticeTopic topic) =>
        (topic == NoticeTopic.Delivery ? Delivery : Promotion) is { Length: > 0 } id ? id : null;

    public NoticeTopic? TopicOf(string templateId) =>
        templateId == Delivery ? NoticeTopic.Delivery
        : templateId == Promotion ? NoticeTopic.Promotion
        : null;

    /// <summary>
    /// The template's data for a notice: each configured field with its placeholders filled in and cut to WeChat's
    /// limit.
    /// </summary>
    public IReadOnlyDictionary<string, string> Fill(NoticeTopic topic, IReadOnlyDictionary<string, string> values)
    {
        var fields = topic == NoticeTopic.Delivery ? DeliveryFields : PromotionFields;
        return fields.ToDictionary(
            f => f.Key,
            f =>
                Cut(
                    f.Key,
                    values
                        .Aggregate(f.Value, (text, v) =>
                            text.Replace("{" + v.Key + "}", v.Value, StringComparison.Ordinal)
                        )
                        .Trim()
                )
        );
    }

    private static string Cut(string field, string value)
    {
        var limit = field.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9') switch
        {
            "phrase" => 5,
            "character_string" or "number" or "letter" or "symbol" => 32,
            "name" => 10,
            _ => 20,
        };
        return value.Length <= limit ? (value.Length == 0 ? "-" : value) : value[..(limit - 1)] + "…";
    }
}
