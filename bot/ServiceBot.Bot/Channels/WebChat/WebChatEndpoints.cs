using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Demo;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>What the page posts: text, the subscribe event, or a photo as Base64.</summary>
internal sealed record WebChatRequest(string? Id, string? Text, string? Event, string? Image);

internal sealed record WebChatResponse(IReadOnlyList<Reply> Replies);

/// <summary>
/// The browser channel: the page at <c>/</c> posts what the user types and shows the replies.
/// Visitors are anonymous: the server issues their ids (<see cref="WebChatVisitors"/>), limits what
/// each may send, and forgets them after <c>WebChat:RetentionDays</c> (<see cref="WebChatRetention"/>).
/// </summary>
internal static class WebChatEndpoints
{
    public const string Channel = "webchat";
    private const int MaxTextLength = 2000;
    public const int MaxImageBytes = 5 * 1024 * 1024;

    // Chinese as UTF-8 rather than \uXXXX escapes: the JSON is read by fetch(), never inlined into HTML.
    private static readonly System.Text.Json.JsonSerializerOptions ResponseJson = new(
        WebChatJsonContext.Default.Options
    )
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IServiceCollection AddWebChat(this IServiceCollection services)
    {
        services.AddOptions<WebChatOptions>().BindConfiguration(WebChatOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebChatOptions>, WebChatOptionsValidator>();
        services.AddSingleton<WebChatVisitors>();
        services.AddSingleton<WebChatRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<WebChatRetention>());
        services.AddSingleton<WebChatOutbox>();
        services.AddSingleton<WebChatMedia>();
        services.AddSingleton<IChannelSender>(provider => provider.GetRequiredService<WebChatOutbox>());
        return services;
    }

    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/webchat").RequireRateLimiting(Operations.RateLimiting.WebChat);
        group.MapPost("/messages", PostAsync).WithMetadata(new RequestSizeLimitAttribute(RequestLimits.Photo));
        // A photo the bot sent this visitor: a help article's, or an agent's (whose id names the visitor's case,
        // so no one else's can be read).
        group.MapGet(
            "/photos/{photoId}",
            async (
                string photoId,
                HttpContext http,
                WebChatVisitors visitors,
                CustomerPhotos photos,
                CancellationToken ct
            ) =>
                visitors.Identify(http) is { } visitor
                && (
                    photoId.StartsWith("help_", StringComparison.Ordinal) // help articles' pictures are for anyone
                    || photoId.StartsWith("agent_", StringComparison.Ordinal)
                        && photoId.Contains($".{Channel}.{visitor}_", StringComparison.Ordinal)
                )
                && await photos.GetAsync(photoId, ct) is { } photo
                    ? SecurityHeaders.InlinePhoto(http.Response, photo.Content, photo.ContentType)
                    : Results.NotFound()
        );
        group.MapGet(
            "/messages",
            async (HttpContext http, WebChatVisitors visitors, WebChatOutbox outbox, CancellationToken ct) =>
                visitors.Identify(http) is { } userId
                    ? Results.Json(new WebChatResponse(await outbox.DrainAsync(userId, ct)), ResponseJson)
                    : TooMany(http, "Too many new visitors this minute; try again in a minute.")
        );
        return endpoints;
    }

    private static async Task<IResult> PostAsync(
        HttpContext http,
        ITurnProcessor turns,
        TimeProvider time,
        WebChatVisitors visitors,
        WebChatMedia media,
        DemoData demo,
        IOptions<DemoOptions> demoOptions,
        CancellationToken ct
    )
    {
        WebChatRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync(WebChatJsonContext.Default.WebChatRequest, ct);
        }
        catch (System.Text.Json.JsonException)
        {
            return Results.Problem("The body is not valid JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (Validate(request) is { } problem)
        {
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }

        if (visitors.Identify(http) is not { } userId)
        {
            return TooMany(http, "Too many new visitors this minute; try again in a minute.");
        }

        if (!visitors.TryTakeMessage(userId))
        {
            return TooMany(http, "Too many messages this minute; wait a little and send again.");
        }

        if (demoOptions.Value.Enabled && request!.Event == "subscribe")
        {
            await demo.PrepareVisitorAsync(userId, ct);
        }

        var activity = ToActivity(request!, userId, time.GetUtcNow());
        if (request!.Image is { } image)
        {
            if (WebChatMedia.Decode(image) is not { } bytes)
            {
                return Results.Problem(
                    $"image: a JPEG, PNG, GIF or WebP of at most {MaxImageBytes / 1024 / 1024} MB, as Base64.",
                    statusCode: StatusCodes.Status400BadRequest
                );
            }

            // Held for this turn only: kept if a dialog asks for a photo, else gone with the request.
            using var held = media.Hold(userId, activity.Id, bytes);
            activity = activity with
            {
                Kind = MessageKind.Image,
                Text = null,
                Media = MediaAttachment.Image(activity.Id),
            };
            return await TurnAsync(turns, activity, ct);
        }

        return await TurnAsync(turns, activity, ct);
    }

    private static async Task<IResult> TurnAsync(ITurnProcessor turns, Activity activity, CancellationToken ct) =>
        Results.Json(
            new WebChatResponse((await turns.ProcessAsync(activity, TurnDelivery.Passive, ct)).Replies),
            ResponseJson
        );

    private static IResult TooMany(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "60";
        return Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static string? Validate(WebChatRequest? request) =>
        request switch
        {
            null => "A body {\"text\"} or {\"event\":\"subscribe\"} is required.",
            { Event: not null and not "subscribe" } => "event: only \"subscribe\" is accepted.",
            { Event: null, Image: null, Text: null or "" } => "text: required.",
            { Text.Length: > MaxTextLength } => $"text: at most {MaxTextLength} characters.",
            { Id: { } id } when id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') =>
                "id: at most 64 letters, digits or '-'.",
            _ => null,
        };

    private static Activity ToActivity(WebChatRequest request, string userId, DateTimeOffset now)
    {
        var conversation = new ConversationReference(Channel, userId);
        var id = request.Id ?? Guid.NewGuid().ToString("N");
        return request.Event is { } name
            ? new Activity
            {
                Id = id,
                Type = ActivityType.Event,
                Anonymous = true,
                EventName = name,
                Conversation = conversation,
                Timestamp = now,
            }
            : new Activity
            {
                Id = id,
                Type = ActivityType.Message,
                Anonymous = true,
                Kind = MessageKind.Text,
                Text = request.Text,
                Conversation = conversation,
                Timestamp = now,
            };
    }
}
