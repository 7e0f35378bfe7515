using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Returns;

namespace ServiceBot.Bot.Agents;

/// <summary>Who is signed in, the token for changes, canned replies and colleagues to transfer to.</summary>
internal sealed record AgentMe(
    string Name,
    string DisplayName,
    string Role,
    string Token,
    IReadOnlyList<string> Canned,
    IReadOnlyList<string> Agents
);

/// <summary>A case in the queue list.</summary>
internal sealed record QueueItem(
    string CaseId,
    string Customer,
    string Reason,
    CaseState State,
    DateTimeOffset QueuedAt,
    int WaitingSeconds,
    string? AgentId,
    string? Last
);

/// <summary>
/// Everything an agent sees of one case: the transcript, WeChat's room for replies, and the customer's orders and
/// returns.
/// </summary>
internal sealed record CaseView(
    HandoffCase Case,
    ReplyWindow Window,
    IReadOnlyList<Order> Orders,
    IReadOnlyList<ReturnRequest> Returns
);

internal sealed record AgentText(string? Text);

/// <summary>A photo the agent sends the customer: a JPEG, PNG, GIF or WebP as Base64 (a data URL is fine).</summary>
internal sealed record AgentPhoto(string? Image);

internal sealed record AgentTransfer(string? To);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(AgentMe))]
[JsonSerializable(typeof(List<QueueItem>))]
[JsonSerializable(typeof(CaseView))]
[JsonSerializable(typeof(AgentText))]
[JsonSerializable(typeof(AgentPhoto))]
[JsonSerializable(typeof(AgentTransfer))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;

/// <summary>The console's API (<c>/agent/api</c>): the queue, a case, and the agent's actions on it.</summary>
internal static class AgentApi
{
    private const int ContextOrders = 5;

    public static RouteGroupBuilder MapAgentApi(this RouteGroupBuilder api)
    {
        api.MapGet(
            "/me",
            (HttpContext http, IAntiforgery antiforgery, AgentAccounts accounts, IOptions<AgentOptions> options) =>
                Results.Json(
                    new AgentMe(
                        AgentConsoleRegistration.NameOf(http.User),
                        AgentConsoleRegistration.ShownAs(http.User),
                        http.User.FindFirstValue(ClaimTypes.Role) ?? AgentRoles.Agent,
                        antiforgery.GetAndStoreTokens(http).RequestToken!,
                        options.Value.CannedReplies,
                        [.. accounts.Names.Order(StringComparer.Ordinal)]
                    ),
                    AgentJsonContext.Default.AgentMe
                )
        );

        api.MapGet("/queue", async (AgentDesk desk, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var items = (await desk.QueueAsync(ct))
                .Select(c => new QueueItem(
                    c.CaseId,
                    SignalRAgentFeed.Masked(c.Customer.UserId),
                    c.Reason,
                    c.State,
                    c.QueuedAt,
                    (int)Math.Max(0, (now - c.QueuedAt).TotalSeconds),
                    c.AgentId,
                    c.Entries.LastOrDefault(e => e.Kind == CaseEntryKind.Customer)?.Text
                ))
                .ToList();
            return Results.Json(items, AgentJsonContext.Default.ListQueueItem);
        });

        api.MapGet(
            "/cases/{caseId}",
            async (string caseId, AgentDesk desk, OrderStore orders, ReturnStore returns, CancellationToken ct) =>
            {
                if (await desk.GetAsync(caseId, ct) is not { } found)
                {
                    return Results.NotFound();
                }

                var openId = found.Customer.UserId;
                return Results.Json(
                    new CaseView(
                        found,
                        await desk.WindowAsync(found, ct),
                        await orders.ListForCustomerAsync(openId, ContextOrders, ct),
                        await returns.ListForCustomerAsync(openId, ct)
                    ),
                    AgentJsonContext.Default.CaseView
                );
            }
        );

        api.MapGet(
            "/cases/{caseId}/photos/{photoId}",
            async (
                string caseId,
                string photoId,
                AgentDesk desk,
                CustomerPhotos photos,
                HttpResponse response,
                CancellationToken ct
            ) =>
                await desk.GetAsync(caseId, ct) is { } found
                && found.Entries.Any(e => e.PhotoId == photoId)
                && await photos.GetAsync(photoId, ct) is { } photo
                    ? SecurityHeaders.InlinePhoto(response, photo.Content, photo.ContentType)
                    : Results.NotFound()
        );

        api.MapPost(
            "/cases/{caseId}/claim",
            async (string caseId, ClaimsPrincipal user, AgentDesk desk, CancellationToken ct) =>
                Answer(
                    await desk.ClaimAsync(
                        caseId,
                        AgentConsoleRegistration.NameOf(user),
                        AgentConsoleRegistration.ShownAs(user),
                        ct
                    )
                )
        );
        api.MapPost(
            "/cases/{caseId}/reply",
            async (string caseId, AgentText body, ClaimsPrincipal user, AgentDesk desk, CancellationToken ct) =>
                Answer(await desk.ReplyAsync(caseId, AgentConsoleRegistration.NameOf(user), body.Text ?? "", ct))
        );
        api.MapPost(
                "/cases/{caseId}/photo",
                async (
                    string caseId,
                    AgentPhoto body,
                    ClaimsPrincipal user,
                    AgentDesk desk,
                    CustomerPhotos photos,
                    CancellationToken ct
                ) =>
                {
                    if (body.Image is null || Base64Images.Decode(body.Image, MaxPhotoBytes) is not { } bytes)
                    {
                        return Results.Problem(
                            $"image: a JPEG, PNG, GIF or WebP of at most {MaxPhotoBytes / 1024 / 1024} MB, as Base64.",
                            statusCode: StatusCodes.Status400BadRequest
                        );
                    }

                    // Named by its content: the same picture sent again is the same photo, stored once.
                    var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
                    var id = $"agent_{caseId}_{hash[..16]}";
                    if (!HandoffCaseStore.IsValidId(caseId) || await photos.KeepBytesAsync(id, bytes, ct) is null)
                    {
                        return Results.NotFound();
                    }

                    return Answer(await desk.SendPhotoAsync(caseId, AgentConsoleRegistration.NameOf(user), id, ct));
                }
            )
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(RequestLimits.Photo));
        api.MapPost(
            "/cases/{caseId}/note",
            async (string caseId, AgentText body, ClaimsPrincipal user, AgentDesk desk, CancellationToken ct) =>
                Answer(await desk.NoteAsync(caseId, AgentConsoleRegistration.NameOf(user), body.Text ?? "", ct))
        );
        api.MapPost(
            "/cases/{caseId}/transfer",
            async (
                string caseId,
                AgentTransfer body,
                ClaimsPrincipal user,
                AgentDesk desk,
                AgentAccounts accounts,
                CancellationToken ct
            ) =>
                body.To is { } to && accounts.Names.Contains(to)
                    ? Answer(await desk.TransferAsync(caseId, AgentConsoleRegistration.NameOf(user), to, ct))
                    : Results.Problem("to must name another agent.", statusCode: StatusCodes.Status400BadRequest)
        );
        api.MapPost(
            "/cases/{caseId}/handback",
            async (string caseId, ClaimsPrincipal user, AgentDesk desk, CancellationToken ct) =>
                Answer(await desk.ReleaseAsync(caseId, AgentConsoleRegistration.NameOf(user), resolved: false, ct))
        );
        api.MapPost(
            "/cases/{caseId}/resolve",
            async (string caseId, ClaimsPrincipal user, AgentDesk desk, CancellationToken ct) =>
                Answer(await desk.ReleaseAsync(caseId, AgentConsoleRegistration.NameOf(user), resolved: true, ct))
        );
        return api;
    }

    private const int MaxPhotoBytes = 5 * 1024 * 1024;

    private static IResult Answer(DeskResult result) =>
        result.Ok
            ? Results.Json(result.Case, HandoffJsonContext.Default.HandoffCase)
            : Results.Problem(result.Problem, statusCode: StatusOf(result.Refusal));

    private static int StatusOf(DeskRefusal refusal) =>
        refusal switch
        {
            DeskRefusal.Invalid => StatusCodes.Status400BadRequest,
            DeskRefusal.NotFound => StatusCodes.Status404NotFound,
            DeskRefusal.ChannelFailed => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status409Conflict,
        };
}
