using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Notifications;

/// <summary>The service notices a template message may carry; never promotions, by WeChat's rules.</summary>
internal enum TemplateKind
{
    /// <summary>A parcel's status changed: shipped, out for delivery, arrived, delivered, a problem.</summary>
    Delivery,

    /// <summary>The merchant decided a return the customer asked for.</summary>
    ReturnOutcome,
}

/// <summary>One template message: its id in the account's template library and how a notice fills its fields.</summary>
internal sealed class TemplateMessageSettings
{
    public string? Id { get; set; }

    /// <summary>Field name → text with placeholders, as for subscribe messages.</summary>
    public Dictionary<string, string> Fields { get; set; } = [];
}

/// <summary>
/// <c>WeChat:TemplateMessages</c>: the template message for each kind of service notice (verified
/// service accounts only). A kind without an id sends no template messages; its notices fall back to
/// the customer-service window and one-time consents. Configured fields replace the defaults.
/// </summary>
internal sealed class TemplateMessageOptions
{
    public const string SectionName = "WeChat:TemplateMessages";

    public TemplateMessageSettings Delivery { get; set; } = new();

    public TemplateMessageSettings ReturnOutcome { get; set; } = new();

    private static readonly Dictionary<string, string> DeliveryDefaults = new()
    {
        ["character_string1"] = "{orderId}",
        ["phrase2"] = "{status}",
        ["character_string3"] = "{trackingNumber}",
        ["thing4"] = "{carrier} {location}",
    };

    private static readonly Dictionary<string, string> ReturnOutcomeDefaults = new()
    {
        ["character_string1"] = "{rmaId}",
        ["character_string2"] = "{orderId}",
        ["phrase3"] = "{outcome}",
        ["thing4"] = "{note}",
    };

    public string? IdFor(TemplateKind kind) => Settings(kind).Id is { Length: > 0 } id ? id : null;

    public IReadOnlyDictionary<string, string> Fill(TemplateKind kind, IReadOnlyDictionary<string, string> values)
    {
        var configured = Settings(kind).Fields;
        var fields = configured.Count > 0 ? configured : Defaults(kind);
        return TemplateFields.Fill(fields, values);
    }

    private TemplateMessageSettings Settings(TemplateKind kind) =>
        kind == TemplateKind.Delivery ? Delivery : ReturnOutcome;

    private static Dictionary<string, string> Defaults(TemplateKind kind) =>
        kind == TemplateKind.Delivery ? DeliveryDefaults : ReturnOutcomeDefaults;
}

internal sealed class TemplateMessageOptionsValidator : IValidateOptions<TemplateMessageOptions>
{
    public ValidateOptionsResult Validate(string? name, TemplateMessageOptions options)
    {
        foreach (
            var (kind, settings) in new[] { ("Delivery", options.Delivery), ("ReturnOutcome", options.ReturnOutcome) }
        )
        {
            if (
                settings.Id is { Length: > 0 } id
                && (id.Length > 128 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            )
            {
                return ValidateOptionsResult.Fail(
                    $"WeChat:TemplateMessages:{kind}:Id must be a template id (letters, digits, '-' or '_')."
                );
            }
        }

        return ValidateOptionsResult.Success;
    }
}
