namespace ServiceBot.Bot.Operations;

/// <summary>
/// Headers every page and answer carries: only our own scripts, styles and images run (so an
/// injected tag does nothing), nothing may frame the pages, and no content type is guessed.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; img-src 'self' data: blob:";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(
            (context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                return next(context);
            }
        );

    /// <summary>A customer's photo, shown in place and never offered as a download to open.</summary>
    public static IResult InlinePhoto(HttpResponse response, byte[] content, string contentType)
    {
        response.Headers.ContentDisposition = "inline";
        return Results.File(content, contentType);
    }
}
