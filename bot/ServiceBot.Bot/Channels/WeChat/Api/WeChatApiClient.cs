using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// The official-account API as this bot uses it: customer-service, subscribe and template messages,
/// and media downloads. A rejected token is refreshed and the call made once more (WeChat took
/// nothing). Sends are made once otherwise: a message WeChat did not take (a quota errcode, a 5xx,
/// no connection) comes back as such for the caller to retry (<see cref="SendRetry"/>), and one
/// that went out unanswered comes back <see cref="WeChatApiStatus.Unanswered"/>, since WeChat has
/// no idempotency key and a resend could deliver it twice. Downloads (GET) are retried by the HTTP
/// resilience handler.
/// </summary>
internal sealed class WeChatApiClient
{
    public const string HttpClientName = "wechat";

    private readonly IHttpClientFactory _httpClients;
    private readonly AccessTokenCache _tokens;
    private readonly ILogger<WeChatApiClient> _logger;

    public WeChatApiClient(IHttpClientFactory httpClients, AccessTokenCache tokens, ILogger<WeChatApiClient> logger)
    {
        _httpClients = httpClients;
        _tokens = tokens;
        _logger = logger;
    }

    public Task<WeChatApiResult> SendCustomerMessageAsync(
        string openId,
        Reply reply,
        CancellationToken cancellationToken
    ) =>
        PostAsync(
            "custom_send",
            "cgi-bin/message/custom/send",
            WeChatApiJson.CustomerMessage(openId, reply),
            cancellationToken
        );

    public Task<WeChatApiResult> SendSubscribeMessageAsync(
        string openId,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? page,
        CancellationToken cancellationToken
    ) =>
        PostAsync(
            "subscribe_send",
            "cgi-bin/message/subscribe/bizsend",
            WeChatApiJson.SubscribeMessage(openId, templateId, data, page),
            cancellationToken
        );

    /// <summary>
    /// A template message (service notices); answered with a msgid that <c>TEMPLATESENDJOBFINISH</c> reports on.
    /// <paramref name="clientMsgId"/> makes WeChat drop a repeat to the same user within 10 minutes.
    /// </summary>
    public Task<WeChatApiResult> SendTemplateMessageAsync(
        string openId,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? url,
        string clientMsgId,
        CancellationToken cancellationToken
    ) =>
        PostAsync(
            "template_send",
            "cgi-bin/message/template/send",
            WeChatApiJson.TemplateMessage(openId, templateId, data, url, clientMsgId),
            cancellationToken
        );

    /// <summary>
    /// A call that is not a message (a QR code, a ticket, a menu), made with the access token and answered with
    /// JSON; a GET when <paramref name="body"/> is null. Unlike a message, it may be repeated.
    /// </summary>
    internal async Task<(WeChatApiResult Outcome, JsonElement Body)> CallAsync(
        string api,
        Func<string, string> path,
        byte[]? body,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await WithTokenAsync(
                api,
                token => AnswerAsync(Send(path(token), body, cancellationToken), cancellationToken),
                answer => answer.Outcome,
                cancellationToken
            );
        }
        catch (WeChatTokenException e)
        {
            return (e.Outcome, default);
        }
    }

    /// <summary>A GET without the access token (web-page authorisation uses the AppSecret itself).</summary>
    internal async Task<(WeChatApiResult Outcome, JsonElement Body)> GetWithoutTokenAsync(
        string api,
        string path,
        CancellationToken cancellationToken
    )
    {
        var answer = await AnswerAsync(Send(path, null, cancellationToken), cancellationToken);
        WeChatApiMetrics.Answered(api, answer.Outcome);
        return answer;
    }

    private Task<HttpResponseMessage> Send(string path, byte[]? body, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return Http().GetAsync(path, cancellationToken);
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return Http().PostAsync(path, content, cancellationToken);
    }

    // WeChat's JSON answer: errcode 0 (or none) is success.
    internal static async Task<(WeChatApiResult Outcome, JsonElement Body)> AnswerAsync(
        Task<HttpResponseMessage> call,
        CancellationToken cancellationToken
    )
    {
        try
        {
            using var response = await call;
            if (!response.IsSuccessStatusCode)
            {
                return (WeChatApiResult.Unreachable($"HTTP {(int)response.StatusCode}"), default);
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var result =
                body.ValueKind == JsonValueKind.Object && !body.TryGetProperty("errcode", out _)
                    ? WeChatApiResult.Ok
                    : ReadError(body);
            return (result, body);
        }
        catch (Exception e) when (e is JsonException || IsTransportFailure(e, cancellationToken))
        {
            return (WeChatApiResult.Unreachable(e.GetType().Name), default);
        }
    }

    internal static WeChatApiResult ReadError(JsonElement body)
    {
        var code =
            body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("errcode", out var errcode)
            && errcode.TryGetInt32(out var c)
                ? c
                : -1;
        var message =
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty("errmsg", out var errmsg)
                ? errmsg.GetString()
                : null;
        var msgId =
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty("msgid", out var id)
                ? id.ValueKind == JsonValueKind.Number
                    ? id.GetRawText()
                    : id.GetString()
                : null;
        return WeChatApiResult.FromErrCode(code, message) with { MsgId = msgId };
    }

    private async Task<WeChatApiResult> PostAsync(
        string api,
        string path,
        byte[] body,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var result = await WithTokenAsync(
                api,
                token => PostOnceAsync(path, token, body, cancellationToken),
                r => r,
                cancellationToken
            );
            if (!result.IsOk)
            {
                WeChatLog.ApiError(_logger, path, result.ErrCode);
            }

            return result;
        }
        catch (WeChatTokenException e)
        {
            return e.Outcome;
        }
    }

    // Calls with the cached token; if WeChat says the token is bad, refreshes it and tries once more.
    // Every answer that is not a success is counted by errcode (servicebot.wechat.api.errors).
    internal async Task<T> WithTokenAsync<T>(
        string api,
        Func<string, Task<T>> call,
        Func<T, WeChatApiResult> resultOf,
        CancellationToken cancellationToken
    )
    {
        var token = await _tokens.GetAsync(cancellationToken);
        var outcome = await call(token);
        WeChatApiMetrics.Answered(api, resultOf(outcome));
        if (resultOf(outcome).Status != WeChatApiStatus.TokenInvalid)
        {
            return outcome;
        }

        WeChatLog.TokenRejected(_logger, resultOf(outcome).ErrCode);
        outcome = await call(await _tokens.RefreshAsync(token, rejected: true, cancellationToken));
        WeChatApiMetrics.Answered(api, resultOf(outcome));
        return outcome;
    }

    private async Task<WeChatApiResult> PostOnceAsync(
        string path,
        string token,
        byte[] body,
        CancellationToken cancellationToken
    )
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = await Http()
                .PostAsync($"{path}?access_token={Uri.EscapeDataString(token)}", content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return WeChatApiResult.Unreachable($"HTTP {(int)response.StatusCode}");
            }

            return ReadError(await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken));
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken) && NeverSent(e))
        {
            return WeChatApiResult.Unreachable(e.GetType().Name);
        }
        catch (Exception e) when (e is JsonException || IsTransportFailure(e, cancellationToken))
        {
            // Timed out, the connection broke after the request went, or an answer that says nothing.
            return WeChatApiResult.NoAnswer(e.GetType().Name);
        }
    }

    // Failures that leave no doubt the request never reached WeChat: no connection, or the circuit
    // breaker holding calls back while WeChat keeps failing.
    private static bool NeverSent(Exception e) =>
        e is BrokenCircuitException or IsolatedCircuitException
        || e
            is HttpRequestException
            {
                HttpRequestError: HttpRequestError.ConnectionError
                    or HttpRequestError.NameResolutionError
                    or HttpRequestError.SecureConnectionError
            };

    // After the resilience handler's retries: unreachable, timed out, or the circuit is open because
    // WeChat kept failing (ExecutionRejectedException covers the open circuit and the total timeout).
    internal static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or ExecutionRejectedException
        || e is TaskCanceledException && !cancellationToken.IsCancellationRequested;

    internal HttpClient Http() => _httpClients.CreateClient(HttpClientName);
}
