using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Returns;

namespace ServiceBot.Bot.Merchant;

internal sealed record DecisionBody(bool? Approve, string? Note, InstructionsBody? Instructions = null);

/// <summary>With an approval: where to send the item, and a label to print (a link).</summary>
internal sealed record InstructionsBody(string? Address, string? Label);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DecisionBody))]
internal sealed partial class DecisionJsonContext : JsonSerializerContext;

/// <summary>The merchant's return queue: list, look at the photos, decide; the customer is told once.</summary>
internal static class ReturnEndpoints
{
    public static RouteGroupBuilder MapReturns(this RouteGroupBuilder merchant)
    {
        merchant
            .MapGet("/returns", ListAsync)
            .WithName("ListReturns")
            .Produces<List<ReturnRequest>>()
            .ProducesValidationProblem();

        merchant.MapGet(
            "/returns/{rmaId}/photos/{photoId}",
            async (
                string rmaId,
                string photoId,
                ReturnStore returns,
                CustomerPhotos photos,
                HttpResponse response,
                CancellationToken ct
            ) =>
                await returns.GetAsync(rmaId, ct) is { } found
                && found.Request.Photos.FirstOrDefault(p => p.Id == photoId) is { } photo
                && await photos.GetAsync(photo.Id, ct) is { } kept
                    ? SecurityHeaders.InlinePhoto(response, kept.Content, photo.ContentType)
                    : Results.NotFound()
        );

        merchant
            .MapPost("/returns/{rmaId}/decision", DecideAsync)
            .WithName("DecideReturn")
            .Accepts<DecisionBody>("application/json")
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status404NotFound);
        return merchant;
    }

    // Oldest first; pages by creation time, then id.
    private static async Task<IResult> ListAsync(
        HttpContext http,
        string? status,
        string? kind,
        string? cursor,
        int? limit,
        ReturnStore returns,
        CancellationToken ct
    )
    {
        if (!TryParseStatus(status, out var filter))
        {
            return MerchantProblems.Invalid("status", "must be requested, approved or rejected.");
        }

        if (kind is not (null or "return" or "exchange" or "refund"))
        {
            return MerchantProblems.Invalid("kind", "must be return, exchange or refund.");
        }

        var (page, problem) = Paging.Take(
            http,
            (await returns.ListAsync(filter, ct))
                .Where(r => kind is null || r.Kind.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase))
                .OrderBy(SortKey, StringComparer.Ordinal),
            SortKey,
            cursor,
            limit
        );
        return problem ?? Results.Json(page!, ReturnsJsonContext.Default.ListReturnRequest);

        static string SortKey(ReturnRequest r) =>
            $"{r.CreatedAt.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}|{r.RmaId}";
    }

    private static bool TryParseStatus(string? status, out ReturnStatus? filter)
    {
        filter = status switch
        {
            "requested" => ReturnStatus.Requested,
            "approved" => ReturnStatus.Approved,
            "rejected" => ReturnStatus.Rejected,
            _ => null,
        };
        return filter is not null || string.IsNullOrEmpty(status);
    }

    private static async Task<IResult> DecideAsync(
        string rmaId,
        HttpRequest request,
        ReturnDecisions decisions,
        CancellationToken ct
    )
    {
        DecisionBody? body;
        try
        {
            body = await request.ReadFromJsonAsync(DecisionJsonContext.Default.DecisionBody, ct);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body?.Approve is not { } approve)
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["approve"] = ["approve: true or false is required."] }
            );
        }

        if (body.Note is { Length: > 500 })
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["note"] = ["note: at most 500 characters."] }
            );
        }

        if (body.Instructions?.Address is { Length: > 200 })
        {
            return MerchantProblems.Invalid("instructions.address", "at most 200 characters.");
        }

        Uri? label = null;
        if (
            body.Instructions?.Label is { } text
            && !(
                text.Length <= 1024
                && Uri.TryCreate(text, UriKind.Absolute, out label)
                && label.Scheme is "https" or "http"
            )
        )
        {
            return MerchantProblems.Invalid("instructions.label", "a link (http or https) of at most 1024 characters.");
        }

        var instructions = body.Instructions is { Address: not null } or { Label: not null }
            ? new ReturnInstructions(body.Instructions.Address?.Trim(), label)
            : null;
        var (outcome, decided, told) = await decisions.DecideAsync(rmaId, approve, body.Note, ct, instructions);
        if (outcome == DecisionOutcome.Decided)
        {
            var answer = JsonSerializer.SerializeToNode(decided, ReturnsJsonContext.Default.ReturnRequest)!.AsObject();
            answer["told"] = Told(told);
            return Results.Text(answer.ToJsonString(), "application/json; charset=utf-8");
        }

        return outcome == DecisionOutcome.NotFound
            ? Results.NotFound()
            : Results.Conflict(new { error = $"Return {rmaId} was already decided ({decided?.Status})." });
    }

    // Whether and how the customer heard: sent (and on which channel), deferred (until when, and why), or not told.
    private static JsonObject Told(NoticeOutcome? told) =>
        told switch
        {
            null => new JsonObject { ["status"] = "notTold", ["rule"] = "noConversation" },
            { Verdict: Verdict.Send } => new JsonObject { ["status"] = "sent", ["channel"] = Camel(told.Channel) },
            { Verdict: Verdict.Defer } => new JsonObject
            {
                ["status"] = "deferred",
                ["rule"] = Camel(told.Rule),
                ["until"] = told.RetryAt,
            },
            _ => new JsonObject { ["status"] = "notTold", ["rule"] = Camel(told.Rule) },
        };

    private static string? Camel(Enum? value) =>
        value is null ? null : JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
