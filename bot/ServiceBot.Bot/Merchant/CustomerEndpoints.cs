using ServiceBot.Services.Orders;
using ServiceBot.Services.Privacy;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// <c>GET /api/customers/{openId}/export</c> and <c>DELETE /api/customers/{openId}</c>: everything held
/// about a customer, and its erasure on request (the proof of their withdrawal is kept).
/// </summary>
internal static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomers(this RouteGroupBuilder merchant)
    {
        merchant.MapGet(
            "/customers/{openId}/export",
            async (string openId, CustomerRecords records, CancellationToken ct) =>
                IsOpenId(openId)
                    ? Results.Text(
                        (await records.ExportAsync(Customers.Of(openId), ct)).ToJsonString(),
                        "application/json; charset=utf-8"
                    )
                    : MerchantProblems.Invalid("openId", "letters, digits, '-' or '_'.")
        );
        merchant.MapDelete(
            "/customers/{openId}",
            async (string openId, CustomerRecords records, CancellationToken ct) =>
                IsOpenId(openId)
                    ? Results.Json(
                        new ErasureAnswer(await records.EraseAsync(Customers.Of(openId), "erased on request", ct)),
                        MerchantJsonContext.Default.ErasureAnswer
                    )
                    : MerchantProblems.Invalid("openId", "letters, digits, '-' or '_'.")
        );
        return merchant;
    }

    private static bool IsOpenId(string openId) =>
        openId.Length is > 0 and <= 64 && openId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>How many documents were erased or cut loose from the customer.</summary>
internal sealed record ErasureAnswer(int Documents);
