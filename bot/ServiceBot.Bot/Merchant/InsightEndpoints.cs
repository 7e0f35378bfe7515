using ServiceBot.Services.Insights;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>GET /api/insights/days?days=</c>: the numbers a day (follows, unfollows, chats, contained, handed off,
/// first-response and resolution times), the last 30 days (up to 366) in the shop's time zone, oldest
/// first. A campaign's unfollow cost is on <c>GET /api/campaigns/{id}</c>.
/// </summary>
internal static class InsightEndpoints
{
    public static RouteGroupBuilder MapInsights(this RouteGroupBuilder merchant)
    {
        merchant
            .MapGet(
                "/insights/days",
                async (int? days, InsightsStore insights, TimeProvider time, CancellationToken ct) =>
                    days is < 1 or > 366
                        ? MerchantProblems.Invalid("days", "must be 1 to 366.")
                        : Results.Json(
                            await insights.DaysAsync(days ?? 30, time.GetUtcNow(), ct),
                            InsightsJsonContext.Default.ListInsightDay
                        )
            )
            .WithName("GetInsightDays")
            .Produces<List<InsightDay>>()
            .ProducesValidationProblem();
        return merchant;
    }
}
