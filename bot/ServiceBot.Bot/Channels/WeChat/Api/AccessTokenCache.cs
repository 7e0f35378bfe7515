using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// The access token, from <c>cgi-bin/stable_token</c>: every instance asking in normal mode gets the
/// same token while it is valid, so instances never invalidate each other's (as each call to
/// <c>cgi-bin/token</c> would). Reused until shortly before it expires; one refresh runs at a time
/// here, and callers that find the token stale wait for it. A token WeChat rejects while normal mode
/// still hands it out is replaced with <c>force_refresh</c>, at most once in 30 s (WeChat's own limit).
/// </summary>
internal sealed class AccessTokenCache(
    IHttpClientFactory httpClients,
    IOptions<WeChatOptions> options,
    TimeProvider time,
    ILogger<AccessTokenCache> logger
) : IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ForceRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private volatile CachedToken? _current;
    private DateTimeOffset _lastForced = DateTimeOffset.MinValue;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.RefreshAfter)
        {
            return current.Value;
        }

        return await RefreshAsync(current?.Value, rejected: false, cancellationToken);
    }

    /// <summary>
    /// Replaces <paramref name="stale"/> (<paramref name="rejected"/> by WeChat, or expiring), unless another caller
    /// already did.
    /// </summary>
    public async ValueTask<string> RefreshAsync(string? stale, bool rejected, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var current = _current;
            if (current is not null && current.Value != stale && time.GetUtcNow() < current.RefreshAfter)
            {
                return current.Value;
            }

            var fresh = await FetchAsync(force: false, cancellationToken);
            if (rejected && fresh.Value == stale && time.GetUtcNow() - _lastForced >= ForceRefreshInterval)
            {
                _lastForced = time.GetUtcNow();
                fresh = await FetchAsync(force: true, cancellationToken);
            }

            _current = fresh;
            WeChatLog.TokenRefreshed(logger, (int)(fresh.RefreshAfter - time.GetUtcNow()).TotalSeconds);
            return fresh.Value;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public void Dispose() => _refreshGate.Dispose();

    private async Task<CachedToken> FetchAsync(bool force, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.AppSecret))
        {
            WeChatLog.NotConfigured(logger);
            throw new WeChatTokenException(
                new WeChatApiResult(WeChatApiStatus.NotConfigured, -1, "WeChat:AppSecret is not set")
            );
        }

        JsonElement body;
        try
        {
            using var request = new ByteArrayContent(
                WeChatApiJson.StableToken(settings.AppId, settings.AppSecret, force)
            );
            request.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await httpClients
                .CreateClient(WeChatApiClient.HttpClientName)
                .PostAsync("cgi-bin/stable_token", request, cancellationToken);
            body = await JsonSerializer.DeserializeAsync<JsonElement>(
                await response.Content.ReadAsStreamAsync(cancellationToken),
                cancellationToken: cancellationToken
            );
        }
        catch (Exception e)
            when (e is HttpRequestException or JsonException or TaskCanceledException
                && !cancellationToken.IsCancellationRequested
            )
        {
            WeChatLog.TokenFetchFailed(logger, e.GetType().Name);
            WeChatApiMetrics.Answered("token", WeChatApiResult.Unreachable(e.GetType().Name));
            throw new WeChatTokenException("The WeChat token endpoint could not be reached.", e);
        }

        if (body.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value)
        {
            var lifetime = TimeSpan.FromSeconds(
                body.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 7200
            );
            var margin = lifetime > 2 * RefreshMargin ? RefreshMargin : lifetime / 2;
            return new CachedToken(value, time.GetUtcNow() + lifetime - margin);
        }

        var result = WeChatApiClient.ReadError(body);
        WeChatLog.ApiError(logger, "token", result.ErrCode);
        WeChatApiMetrics.Answered("token", result);
        throw new WeChatTokenException(result);
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAfter);
}
