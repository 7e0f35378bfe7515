using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>GET /api/customers/{openId}/notices</c>: every notice decision for a customer, with the rule that decided.
/// </summary>
internal static class NoticeEndpoints
{
    public static RouteGroupBuilder MapNoticeAudit(this RouteGroupBuilder merchant)
    {
        merchant.MapGet(
            "/customers/{openId}/notices",
            async (string openId, NoticeLedger ledger, CancellationToken ct) =>
                openId.Length is > 0 and <= 64 && openId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                    ? Results.Json(
                        (await ledger.ListAsync(Customers.Of(openId), ct)).ToList(),
                        NoticeJsonContext.Default.ListNoticeRecord
                    )
                    : Results.ValidationProblem(
                        new Dictionary<string, string[]> { ["openId"] = ["openId: letters, digits, '-' or '_'."] }
                    )
        );
        return merchant;
    }
}
