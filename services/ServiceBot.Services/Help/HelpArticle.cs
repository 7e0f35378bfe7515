using System.Text.Json.Serialization;

namespace ServiceBot.Services.Help;

/// <summary>A usage-help article for one product, as the merchant writes it, with a picture if it helps.</summary>
internal sealed record HelpArticle(string Title, string Body, IReadOnlyList<string> Keywords)
{
    /// <summary>As sent: the picture as Base64 (a data URL is fine); kept as <see cref="PhotoId"/>.</summary>
    public string? Image { get; init; }

    /// <summary>The article's picture in the photo store, sent after the text.</summary>
    public string? PhotoId { get; init; }

    /// <summary>As sent: a short MP4 video as Base64; kept as <see cref="VideoId"/>.</summary>
    public string? Video { get; init; }

    /// <summary>The article's short video in the photo store, sent after the text (and picture).</summary>
    public string? VideoId { get; init; }
}

/// <summary>A product's articles as stored.</summary>
internal sealed record ProductHelp(string Sku, IReadOnlyList<HelpArticle> Articles);

/// <summary>What the help dialog remembers while it waits: the question step, or nothing.</summary>
internal sealed record HelpState(int Misses);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(ProductHelp))]
[JsonSerializable(typeof(HelpState))]
[JsonSerializable(typeof(List<HelpArticle>))]
internal sealed partial class HelpJsonContext : JsonSerializerContext;
