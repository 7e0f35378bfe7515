using System.Security.Cryptography;
using System.Text.Json;
using ServiceBot.Services.Help;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>PUT /api/help/{sku}</c>: the usage-help articles of one product, replaced whole; <c>GET</c> reads them,
/// <c>DELETE</c> removes them (the bot stops answering from them).
/// </summary>
internal static class HelpEndpoints
{
    private const int MaxArticles = 50;
    private const int MaxTitle = 200;
    private const int MaxBody = 1500; // WeChat shows about 2,048 bytes of text in one message

    public static RouteGroupBuilder MapHelp(this RouteGroupBuilder merchant)
    {
        // A help article may carry a short video: up to 10 MB, as Base64.
        merchant
            .MapPut("/help/{sku}", PutAsync)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024 * 1024));
        merchant.MapGet("/help/{sku}", async (string sku, HelpStore help, CancellationToken ct) => !IsSku(sku)
                ? InvalidSku()
            : await help.GetAsync(sku, ct) is { } product
                ? Results.Json(product.Articles, HelpJsonContext.Default.ListHelpArticle)
            : Results.NotFound());
        merchant
            .MapDelete("/help/{sku}", async (string sku, HelpStore help, CancellationToken ct) => !IsSku(sku)
                    ? InvalidSku()
                : await help.DeleteAsync(sku, ct) ? Results.NoContent()
                : Results.NotFound())
            .WithName("DeleteHelp")
            .Produces(StatusCodes.Status204NoContent)
            .Produces(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();
        return merchant;
    }

    private static async Task<IResult> PutAsync(
        string sku,
        HttpRequest request,
        HelpStore help,
        CustomerPhotos photos,
        CancellationToken ct
    )
    {
        if (!IsSku(sku))
        {
            return InvalidSku();
        }

        List<HelpArticle>? articles;
        try
        {
            articles = await request.ReadFromJsonAsync(HelpJsonContext.Default.ListHelpArticle, ct);
        }
        catch (JsonException e)
        {
            return Invalid(
                string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$'),
                "is not valid: an array of {\"title\",\"body\",\"keywords\"} is expected."
            );
        }

        if (articles is null || articles.Count > MaxArticles)
        {
            return Invalid("body", $"an array of at most {MaxArticles} articles is expected.");
        }

        var files = new (byte[]? Image, byte[]? Video)[articles.Count]; // decoded once, kept after every check
        for (var i = 0; i < articles.Count; i++)
        {
            var article = articles[i];
            if (article is null || string.IsNullOrWhiteSpace(article.Title) || article.Title.Length > MaxTitle)
            {
                return Invalid($"[{i}].title", $"required, at most {MaxTitle} characters.");
            }

            if (string.IsNullOrWhiteSpace(article.Body) || article.Body.Length > MaxBody)
            {
                return Invalid($"[{i}].body", $"required, at most {MaxBody} characters.");
            }

            files[i] = (
                article.Image is { } image ? Base64Images.Decode(image, MaxImageBytes) : null,
                article.Video is { } video ? Base64Images.DecodeMp4(video, MaxVideoBytes) : null
            );
            if (article.Video is not null && files[i].Video is null)
            {
                return Invalid($"[{i}].video", $"an MP4 of at most {MaxVideoBytes / 1024 / 1024} MB, as Base64.");
            }

            if (article.Image is not null && files[i].Image is null)
            {
                return Invalid(
                    $"[{i}].image",
                    $"a JPEG, PNG, GIF or WebP of at most {MaxImageBytes / 1024 / 1024} MB, as Base64."
                );
            }
        }

        var kept = new List<HelpArticle>();
        for (var i = 0; i < articles.Count; i++)
        {
            var article = articles[i];
            kept.Add(
                article with
                {
                    Keywords = article.Keywords ?? [],
                    Image = null,
                    Video = null,
                    PhotoId = await KeepAsync(sku, files[i].Image, article.PhotoId, photos, ct),
                    VideoId = await KeepAsync(sku, files[i].Video, article.VideoId, photos, ct),
                }
            );
        }

        await help.PutAsync(new ProductHelp(sku, kept), ct);
        return Results.Ok();
    }

    private const int MaxImageBytes = 2 * 1024 * 1024;
    private const int MaxVideoBytes = 10 * 1024 * 1024; // WeChat's limit for a temporary video

    // A file is kept by its content, so the same picture in a new version of the articles is the same photo; an
    // article sent back as read keeps the file it names, if it is this product's.
    private static async Task<string?> KeepAsync(
        string sku,
        byte[]? file,
        string? existing,
        CustomerPhotos photos,
        CancellationToken ct
    ) =>
        file is not null
            ? (
                await photos.KeepBytesAsync(
                    $"help_{sku}_{Convert.ToHexStringLower(SHA256.HashData(file))[..16]}",
                    file,
                    ct
                )
            )?.Id
        : existing is not null && existing.StartsWith($"help_{sku}_", StringComparison.Ordinal) ? existing
        : null;

    private static bool IsSku(string sku) =>
        sku.Length is > 0 and <= 64 && sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static IResult InvalidSku() => Invalid("sku", "sku must be 1-64 letters, digits, '-', '_' or '.'.");

    private static IResult Invalid(string field, string problem) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field}: {problem}"] });
}
