using Microsoft.Extensions.Options;

namespace ServiceBot.Services.Webhooks;

/// <summary><c>Webhooks:&lt;name&gt;:Url</c> and <c>:Secret</c>: where the bot POSTs its events, signed.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    public Dictionary<string, WebhookEndpoint> Endpoints { get; } = new(StringComparer.Ordinal);
}

internal sealed class WebhookEndpoint
{
    public string? Url { get; set; }

    /// <summary>Shared with the receiver, which checks <c>X-Signature</c> with it.</summary>
    public string? Secret { get; set; }
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        foreach (var (endpoint, settings) in options.Endpoints)
        {
            if (endpoint.Length is 0 or > 40 || !endpoint.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"Webhooks:{endpoint}: a name is 1-40 letters, digits, '-' or '_'.");
            }

            if (
                !Uri.TryCreate(settings.Url, UriKind.Absolute, out var url)
                || url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp
            )
            {
                failures.Add($"Webhooks:{endpoint}:Url must be an absolute http or https URL.");
            }

            if (settings.Secret is not { Length: >= 16 })
            {
                failures.Add($"Webhooks:{endpoint}:Secret must be at least 16 characters.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
