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

    /// <summary>The template's data for a notice (<see cref="TemplateFields.Fill"/>).</summary>
    public IReadOnlyDictionary<string, string> Fill(NoticeTopic topic, IReadOnlyDictionary<string, string> values) =>
        TemplateFields.Fill(topic == NoticeTopic.Delivery ? DeliveryFields : PromotionFields, values);
}

/// <summary>How a template's fields are filled: placeholders replaced, each value cut to WeChat's limit.</summary>
internal static class TemplateFields
{
    /// <summary>Each configured field with its placeholders filled in and cut to WeChat's limit for its type.</summary>
    public static IReadOnlyDictionary<string, string> Fill(
        IReadOnlyDictionary<string, string> fields,
        IReadOnlyDictionary<string, string> values
    ) =>
        fields.ToDictionary(
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

    // Field types by name (thing3, phrase2, ...); classic template fields (first, keyword1, remark) take 200.
    private static string Cut(string field, string value)
    {
        var limit = field.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9') switch
        {
            "phrase" => 5,
            "character_string" or "number" or "letter" or "symbol" => 32,
            "name" => 10,
            "thing" or "time" or "date" or "amount" or "phone_number" or "car_number" => 20,
            _ => 200,
        };
        return value.Length <= limit ? (value.Length == 0 ? "-" : value) : value[..(limit - 1)] + "…";
    }
}
