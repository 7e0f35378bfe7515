using System.Text.Json;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// The official account's own calls, beside the messages: packing-slip QR codes, the custom menu,
/// the JS-SDK ticket and web-page authorisation. None sends anything to a customer, so each may be repeated.
/// </summary>
internal sealed class WeChatAccountApi(WeChatApiClient api)
{
    /// <summary>
    /// A temporary parametric QR code (<c>qrcode/create</c>, <c>QR_STR_SCENE</c>) carrying <paramref name="scene"/>;
    /// its ticket, or null with WeChat's answer.
    /// </summary>
    public async Task<(WeChatApiResult Outcome, string? Ticket)> CreateQrCodeAsync(
        string scene,
        TimeSpan lifetime,
        CancellationToken cancellationToken
    )
    {
        var (result, answer) = await api.CallAsync(
            "qrcode_create",
            token => $"cgi-bin/qrcode/create?access_token={Uri.EscapeDataString(token)}",
            WeChatApiJson.QrCode(scene, (int)lifetime.TotalSeconds),
            cancellationToken
        );
        return Read(result, answer, "ticket") is { } ticket ? (result, ticket) : (Failed(result, "ticket"), null);
    }

    /// <summary>Replaces the account's custom menu (<c>menu/create</c>) with WeChat's menu JSON.</summary>
    public async Task<WeChatApiResult> CreateMenuAsync(byte[] menu, CancellationToken cancellationToken) =>
        (
            await api.CallAsync(
                "menu_create",
                token => $"cgi-bin/menu/create?access_token={Uri.EscapeDataString(token)}",
                menu,
                cancellationToken
            )
        ).Outcome;

    /// <summary>Where WeChat serves a QR code's image, by its ticket.</summary>
    public static Uri QrImageUrl(string ticket) =>
        new($"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={Uri.EscapeDataString(ticket)}");

    /// <summary>The JS-SDK ticket (<c>ticket/getticket</c>, type jsapi) and how many seconds it lasts.</summary>
    public async Task<(WeChatApiResult Outcome, string? Ticket, int ExpiresIn)> GetJsApiTicketAsync(
        CancellationToken cancellationToken
    )
    {
        var (result, answer) = await api.CallAsync(
            "jsapi_ticket",
            token => $"cgi-bin/ticket/getticket?access_token={Uri.EscapeDataString(token)}&type=jsapi",
            null,
            cancellationToken
        );
        return Read(result, answer, "ticket") is { } ticket
            ? (result, ticket, answer.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 7200)
            : (Failed(result, "ticket"), null, 0);
    }

    /// <summary>
    /// The OpenID of whoever opened a page through WeChat's web-page authorisation (<c>snsapi_base</c>). A code is
    /// good once, for a few minutes.
    /// </summary>
    public async Task<(WeChatApiResult Outcome, string? OpenId)> ExchangeOAuthCodeAsync(
        string appId,
        string secret,
        string code,
        CancellationToken cancellationToken
    )
    {
        var (result, answer) = await api.GetWithoutTokenAsync(
            "oauth2",
            $"sns/oauth2/access_token?appid={Uri.EscapeDataString(appId)}&secret={Uri.EscapeDataString(secret)}"
                + $"&code={Uri.EscapeDataString(code)}&grant_type=authorization_code",
            cancellationToken
        );
        return Read(result, answer, "openid") is { } openId ? (result, openId) : (Failed(result, "openid"), null);
    }

    private static string? Read(WeChatApiResult result, JsonElement answer, string field) =>
        result.IsOk && answer.TryGetProperty(field, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static WeChatApiResult Failed(WeChatApiResult result, string field) =>
        result.IsOk ? WeChatApiResult.Failure($"no {field} in the answer") : result;
}
