using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// The page that asks for consent (<c>/subscribe?topic=delivery</c>), opened inside WeChat from a
/// link the bot sends. Without a <c>code</c> it sends the visitor through WeChat's web-page
/// authorisation (<c>snsapi_base</c>, silent), which comes back with one; the code tells whose page
/// it is. The page signs the JS-SDK configuration with the cached ticket and shows WeChat's
/// <c>wx-open-subscribe</c> button for the topic's template; the customer's accept reaches the bot
/// as <c>subscribe_msg_popup_event</c> on the webhook, where it is recorded once.
/// </summary>
internal static class ConsentPage
{
    public const string Path = "/subscribe";

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static IEndpointRouteBuilder MapConsentPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ShowAsync).RequireRateLimiting(RateLimiting.WebChat);
        return endpoints;
    }

    /// <summary>The link the bot sends: through WeChat's authorisation to the page; null when unset.</summary>
    public static Uri? LinkFor(WeChatOptions options, NoticeTopic topic) =>
        options.PublicBaseUrl is { } publicBase
            ? Authorize(options, new Uri(publicBase, $"{Path}?topic={Name(topic)}"))
            : null;

    private static Uri Authorize(WeChatOptions options, Uri page) =>
        new(
            options.OAuthBaseUrl,
            $"/connect/oauth2/authorize?appid={Uri.EscapeDataString(options.AppId)}"
                + $"&redirect_uri={Uri.EscapeDataString(page.AbsoluteUri)}&response_type=code&scope=snsapi_base"
                + "&state=consent#wechat_redirect"
        );

    private static async Task<IResult> ShowAsync(
        HttpContext http,
        string? topic,
        string? code,
        IOptions<WeChatOptions> wechat,
        IOptions<SubscribeTemplateOptions> templates,
        WeChatAccountApi api,
        JsApiTicketCache tickets,
        ConversationStateStore conversations,
        TimeProvider time,
        CancellationToken ct
    )
    {
        if (Parse(topic) is not { } chosen)
        {
            return Results.Problem("topic: delivery or promotion.", statusCode: StatusCodes.Status400BadRequest);
        }

        var options = wechat.Value;
        if (code is null)
        {
            var page = new Uri($"{http.Request.Scheme}://{http.Request.Host}{Path}?topic={Name(chosen)}");
            return Results.Redirect(
                Authorize(
                    options,
                    options.PublicBaseUrl is { } b ? new Uri(b, $"{Path}?topic={Name(chosen)}") : page
                ).AbsoluteUri
            );
        }

        if (code.Length is 0 or > 128 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Results.Problem(
                "code: not a WeChat authorisation code.",
                statusCode: StatusCodes.Status400BadRequest
            );
        }

        var (exchanged, openId) = await api.ExchangeOAuthCodeAsync(options.AppId, options.AppSecret ?? "", code, ct);
        if (openId is null)
        {
            return Page(http, options, Text.Expired(exchanged.ErrCode), null);
        }

        var consents = Consents.Of(
            (await conversations.LoadAsync(new ConversationReference(WeChatActivityMapper.Channel, openId), ct)).Record
        );
        var template = templates.Value.TemplateFor(chosen);
        var (ticket, _) = await tickets.GetAsync(ct);
        if (template is null || ticket is null)
        {
            return Page(http, options, Text.Unavailable, null);
        }

        var nonce = RandomNumberGenerator.GetHexString(16, lowercase: true);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var config = new ConsentConfig(
            options.AppId,
            timestamp,
            nonce,
            WeChatSignature.JsSdk(ticket, nonce, timestamp, http.Request.GetEncodedUrl())
        );
        return Page(http, options, Text.Body(chosen, consents), (config, template));
    }

    private static IResult Page(
        HttpContext http,
        WeChatOptions options,
        string body,
        (ConsentConfig Config, string Template)? subscribe
    )
    {
        // Only our own script and WeChat's JS-SDK run here.
        http.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy.Replace(
            "default-src 'self';",
            $"default-src 'self'; script-src 'self' {options.JsSdkUrl.GetLeftPart(UriPartial.Authority)};",
            StringComparison.Ordinal
        );
        var button = subscribe is { } s
            ? $"""
                <wx-open-subscribe id="subscribe" template="{Html.Encode(s.Template)}">
                  <script type="text/wxtag-template"><button>允许通知 / Allow notices</button></script>
                </wx-open-subscribe>
                <p id="status" role="status">正在连接微信… / Connecting to WeChat…</p>
                """
            : "";
        var config = subscribe is { } c
            ? Html.Encode(JsonSerializer.Serialize(c.Config, ConsentJsonContext.Default.ConsentConfig))
            : "{}";
        var html = $"""
            <!doctype html>
            <html lang="zh">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>通知设置 / Notices</title>
              <link rel="stylesheet" href="/subscribe.css">
            </head>
            <body>
              <main id="consent" data-config="{config}">
                {body}
                {button}
              </main>
              <script src="{Html.Encode(options.JsSdkUrl.AbsoluteUri)}"></script>
              <script src="/subscribe.js"></script>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static NoticeTopic? Parse(string? topic) =>
        topic switch
        {
            null or "delivery" => NoticeTopic.Delivery,
            "promotion" => NoticeTopic.Promotion,
            _ => null,
        };

    private static string Name(NoticeTopic topic) => topic == NoticeTopic.Delivery ? "delivery" : "promotion";

    /// <summary>What the page says.</summary>
    private static class Text
    {
        public const string Unavailable =
            "<h1>通知 / Notices</h1><p>暂时无法在这里开启通知，请在公众号里回复“通知”。<br>"
            + "Notices cannot be turned on here right now; reply \"notices\" in the chat.</p>";

        public static string Expired(int errCode) =>
            "<h1>链接已过期 / This link has expired</h1><p>请回到公众号，重新点开通知链接。<br>"
            + $"Please go back to the chat and open the link again. ({errCode})</p>";

        public static string Body(NoticeTopic topic, Consents consents)
        {
            var (title, what) =
                topic == NoticeTopic.Delivery
                    ? (
                        "物流通知 / Delivery notices",
                        "包裹发出、派送、签收时提醒您。<br>We tell you when your parcel ships, is out for delivery and arrives."
                    )
                    : (
                        "优惠通知 / Offers",
                        "偶尔告诉您适合您的优惠，每周最多两次。<br>Now and then, an offer for you; at most twice a week."
                    );
            var standing = consents.IsOptedIn(topic) ? "已开启 / on" : "未开启 / off";
            var oneTime = consents.OneTimeAvailable(topic);
            return $"<h1>{title}</h1><p>{what}</p>"
                + $"<p id=\"state\">当前：{standing} · 一次性通知 {oneTime} 次 / one-time notices: {oneTime}</p>";
        }
    }
}

/// <summary>What <c>wx.config</c> needs, signed for this page.</summary>
internal sealed record ConsentConfig(string AppId, long Timestamp, string NonceStr, string Signature);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase
)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ConsentConfig))]
internal sealed partial class ConsentJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
