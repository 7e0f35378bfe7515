namespace ServiceBot.Bot.Operations;

/// <summary>
/// How much of a request body the host reads: Kestrel refuses a larger one (413) before any of it
/// is read into memory. Endpoints that take a photo raise their own limit to a photo's worth.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Every endpoint but those that take photos; WeChat's webhook body can be set up to 4 MiB.</summary>
    public const long Default = 4 * 1024 * 1024;

    /// <summary>A photo of at most 5 MiB as Base64 (a third larger) in its JSON.</summary>
    public const long Photo = 7 * 1024 * 1024;
}
