using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Demo;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary>What the page posts: text, the subscribe event, or a photo as Base64.</summary>
internal sealed record WebChatRequest(string? Id, string? Text, string? Event, string? Image);

internal sealed record WebChatResponse(IReadOnlyList<Reply> Replies);

/// <summary>
/// The browser channel: the page at <c>/</c> posts what the user types and shows the replies.
/// The conversation id is a random 128-bit value the server issues, protected in an HttpOnly,
/// SameSite=Strict cookie, so a visitor only ever sees their own conversation.
/// </summary>
internal static class WebChatEndpoints
{
    public const string Channel = "webchat";
    public const string CookieName = "sb_chat";
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
        services.AddSingleton<WebChatOutbox>();
        services.AddSingleton<WebChatMedia>();
        services.AddSingleton<IChannelSender>(provider => provider.GetRequiredService<WebChatOutbox>());
        return services;
    }

    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/webchat").RequireRateLimiting(Operations.RateLimiting.WebChat);
        group.MapPost("/messages", PostAsync).WithMetadata(new RequestSizeLimitAttribute(RequestLimits.Photo));
        group.MapGet("/messages", async (HttpContext http, WebChatOutbox outbox, CancellationToken ct) =>
            Results.Json(new WebChatResponse(await outbox.DrainAsync(UserId(http), ct)), ResponseJson)
        );
        return endpoints;
    }

    private static async Task<IResult> PostAsync(
        HttpContext http,
        ITurnProcessor turns,
        TimeProvider time,
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

        var userId = UserId(http);
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

            await media.SaveAsync(userId, activity.Id, bytes, ct);
            activity = activity with
            {
                Kind = MessageKind.Image,
                Text = null,
                Media = MediaAttachment.Image(activity.Id),
            };
        }
        var result = await turns.ProcessAsync(activity, TurnDelivery.Passive, ct);
        return Results.Json(new WebChatResponse(result.Replies), ResponseJson);
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
                EventName = name,
                Conversation = conversation,
                Timestamp = now,
            }
            : new Activity
            {
                Id = id,
                Type = ActivityType.Message,
                Kind = MessageKind.Text,
                Text = request.Text,
                Conversation = conversation,
                Timestamp = now,
            };
    }

    // The visitor id is the server's: the cookie holds it signed and encrypted (data protection), so a
    // page cannot pick ids of its own, and a cookie that does not open is answered with a new visitor.
    private static string UserId(HttpContext http)
    {
        var protector = http
            .RequestServices.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("ServiceBot.WebChat.Visitor");
        if (http.Request.Cookies[CookieName] is { Length: > 0 } existing && Unprotect(protector, existing) is { } id)
        {
            return id;
        }

        var created = RandomNumberGenerator.GetHexString(32, lowercase: true);
        http.Response.Cookies.Append(
            CookieName,
            protector.Protect(created),
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(180),
                IsEssential = true,
            }
        );
        return created;
    }

    private static string? Unprotect(IDataProtector protector, string cookie)
    {
        try
        {
            var id = protector.Unprotect(cookie);
            return id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
