using System.Text.Json.Serialization;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Insights;

namespace ServiceBot.Bot.Merchant;

/// <summary>The campaign as the merchant posts it; every field optional here so a missing one is named.</summary>
internal sealed record CampaignBody(
    string? CampaignId,
    string? Title,
    string? Body,
    string? Url,
    DateTimeOffset? SendAt,
    CampaignAudienceBody? Audience
);

internal sealed record CampaignAudienceBody(IReadOnlyList<string?>? Skus, int? OrderedWithinDays);

/// <summary>
/// A campaign, where its fan-out stands, and its cost: customers who unfollowed within 48 hours of
/// receiving it.
/// </summary>
internal sealed record CampaignStatus(Campaign Campaign, string Status, CampaignProgress? Progress, int Unfollows);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip
)]
[JsonSerializable(typeof(CampaignBody))]
[JsonSerializable(typeof(CampaignStatus))]
internal sealed partial class CampaignApiJsonContext : JsonSerializerContext;

/// <summary>
/// <c>POST /api/campaigns</c> stores a promotion and schedules its fan-out at <c>sendAt</c>;
/// <c>POST /api/campaigns/{id}/preview</c> says how many would get it and what holds the rest back;
/// <c>GET /api/campaigns/{id}</c> shows its progress; <c>DELETE /api/campaigns/{id}</c> cancels what has not gone.
/// </summary>
internal static class CampaignEndpoints
{
    private const int MaxTitle = 64;
    private const int MaxBody = 1000;

    public static RouteGroupBuilder MapCampaigns(this RouteGroupBuilder merchant)
    {
        merchant
            .MapPost("/campaigns", CreateAsync)
            .WithName("CreateCampaign")
            .Accepts<CampaignBody>("application/json")
            .Produces<CampaignStatus>()
            .Produces<CampaignStatus>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        merchant
            .MapPost(
                "/campaigns/{campaignId}/preview",
                async (string campaignId, CampaignStore campaigns, CampaignRunner runner, CancellationToken ct) =>
                    IsId(campaignId) && await campaigns.GetAsync(campaignId, ct) is { } campaign
                        ? Results.Json(
                            await runner.PreviewAsync(campaign, ct),
                            CampaignJsonContext.Default.CampaignPreview
                        )
                        : Results.NotFound()
            )
            .WithName("PreviewCampaign")
            .Produces<CampaignPreview>()
            .Produces(StatusCodes.Status404NotFound);
        merchant
            .MapDelete(
                "/campaigns/{campaignId}",
                async (
                    string campaignId,
                    CampaignStore campaigns,
                    CampaignScheduler scheduler,
                    InsightsStore insights,
                    CancellationToken ct
                ) =>
                    IsId(campaignId) && await scheduler.CancelAsync(campaignId, ct)
                        ? Results.Json(
                            await StatusAsync((await campaigns.GetAsync(campaignId, ct))!, campaigns, insights, ct),
                            CampaignApiJsonContext.Default.CampaignStatus
                        )
                        : Results.NotFound()
            )
            .WithName("CancelCampaign")
            .Produces<CampaignStatus>()
            .Produces(StatusCodes.Status404NotFound);
        merchant
            .MapGet(
                "/campaigns/{campaignId}",
                async (string campaignId, CampaignStore campaigns, InsightsStore insights, CancellationToken ct) =>
                    IsId(campaignId) && await campaigns.GetAsync(campaignId, ct) is { } campaign
                        ? Results.Json(
                            await StatusAsync(campaign, campaigns, insights, ct),
                            CampaignApiJsonContext.Default.CampaignStatus
                        )
                        : Results.NotFound()
            )
            .WithName("GetCampaign")
            .Produces<CampaignStatus>()
            .Produces(StatusCodes.Status404NotFound);
        return merchant;
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request,
        CampaignStore campaigns,
        CampaignScheduler scheduler,
        InsightsStore insights,
        CancellationToken ct
    )
    {
        var (body, problem) = await MerchantProblems.ReadAsync(
            request,
            CampaignApiJsonContext.Default.CampaignBody,
            ct
        );
        if (body is null)
        {
            return problem!;
        }

        if (Validate(body, out var field, out var why) is not { } campaign)
        {
            return MerchantProblems.Invalid(field, why);
        }

        var result = await campaigns.CreateAsync(campaign, ct);
        if (result == CampaignStore.CreateResult.Conflict)
        {
            return Results.Problem(
                $"Campaign '{campaign.CampaignId}' exists with different content; use a new campaignId.",
                statusCode: StatusCodes.Status409Conflict
            );
        }

        // Also on an identical repost: if the first post stored it but died before scheduling, this schedules it.
        await scheduler.ScheduleAsync(campaign, ct);
        return Results.Json(
            await StatusAsync(campaign, campaigns, insights, ct),
            CampaignApiJsonContext.Default.CampaignStatus,
            statusCode: result == CampaignStore.CreateResult.Created
                ? StatusCodes.Status201Created
                : StatusCodes.Status200OK
        );
    }

    private static async Task<CampaignStatus> StatusAsync(
        Campaign campaign,
        CampaignStore campaigns,
        InsightsStore insights,
        CancellationToken ct
    )
    {
        var progress = await campaigns.GetProgressAsync(campaign.CampaignId, ct);
        var cancelled = await campaigns.CancelledAtAsync(campaign.CampaignId, ct) is not null;
        var status = progress switch
        {
            _ when cancelled => "cancelled",
            null => "scheduled",
            { Finished: true } => "finished",
            { NextPage: var next, Pages: var pages } when next < pages => "sending",
            _ => "waiting for held-back recipients",
        };
        return new CampaignStatus(
            campaign,
            status,
            progress,
            await insights.UnfollowsAfterAsync(campaign.NoticeKey, ct)
        );
    }

    private static Campaign? Validate(CampaignBody body, out string field, out string why)
    {
        (field, why) = body switch
        {
            { CampaignId: null } => ("campaignId", "is required."),
            { CampaignId: var id } when !IsId(id) => ("campaignId", "must be 1-64 letters, digits, '-' or '_'."),
            { Title: null or { Length: 0 } } => ("title", "is required."),
            { Title.Length: > MaxTitle } => ("title", $"must be at most {MaxTitle} characters."),
            { Body: null or { Length: 0 } } => ("body", "is required."),
            { Body.Length: > MaxBody } => ("body", $"must be at most {MaxBody} characters."),
            { Url: { } url }
                when !Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http") => (
                "url",
                "must be an absolute http(s) URL."
            ),
            { SendAt: null } => ("sendAt", "is required (ISO 8601 with offset)."),
            { Audience: null } => ("audience", "is required."),
            { Audience.Skus: null } => ("audience.skus", "is required (an empty list means every buyer)."),
            { Audience.Skus: var skus } when skus.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 64) => (
                "audience.skus",
                "must hold SKUs of 1-64 characters."
            ),
            { Audience.OrderedWithinDays: < 1 or > 3650 } => (
                "audience.orderedWithinDays",
                "must be between 1 and 3650."
            ),
            _ => ("", ""),
        };
        return field.Length > 0
            ? null
            : new Campaign(
                body.CampaignId!,
                body.Title!,
                body.Body!,
                body.Url is { } link ? new Uri(link) : null,
                body.SendAt!.Value,
                new CampaignAudience(
                    [.. body.Audience!.Skus!.Select(s => s!.Trim()).Distinct(StringComparer.Ordinal)],
                    body.Audience.OrderedWithinDays
                )
            );
    }

    private static bool IsId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
