using System.Diagnostics.Metrics;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// <c>servicebot.wechat.api.errors</c>: every answer from the WeChat API that was not a success, by
/// API (token, custom_send, subscribe_send, media) and code: WeChat's errcode (40001, 45009, ...) or,
/// when no errcode came back, what happened instead (HTTP 500, a timeout, an open circuit).
/// </summary>
internal static class WeChatApiMetrics
{
    public const string MeterName = "ServiceBot.WeChat";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "servicebot.wechat.api.errors",
        "{error}",
        "WeChat API answers that were not a success, by API and errcode."
    );

    public static void Answered(string api, WeChatApiResult result)
    {
        if (result.IsOk)
        {
            return;
        }

        var code =
            result.ErrCode >= 0
                ? result.ErrCode.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : result.ErrMsg ?? "unknown";
        Errors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("code", code));
    }
}
