namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>
/// The JS-SDK ticket, fetched once and reused until shortly before it expires, with the access
/// token's care: one fetch at a time, callers that find it stale wait for that fetch (WeChat limits
/// how often it may be asked). A failure is not cached: the next page asks again.
/// </summary>
internal sealed class JsApiTicketCache(WeChatAccountApi api, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Cached? _current;

    /// <summary>The ticket, or null with WeChat's answer when none can be had.</summary>
    public async Task<(string? Ticket, WeChatApiResult Outcome)> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } fresh && time.GetUtcNow() < fresh.RefreshAfter)
        {
            return (fresh.Ticket, WeChatApiResult.Ok);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fetched && time.GetUtcNow() < fetched.RefreshAfter)
            {
                return (fetched.Ticket, WeChatApiResult.Ok);
            }

            var (result, ticket, expiresIn) = await api.GetJsApiTicketAsync(cancellationToken);
            if (ticket is null)
            {
                return (null, result);
            }

            var lifetime = TimeSpan.FromSeconds(expiresIn);
            var margin = lifetime > 2 * RefreshMargin ? RefreshMargin : lifetime / 2;
            _current = new Cached(ticket, time.GetUtcNow() + lifetime - margin);
            return (ticket, result);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record Cached(string Ticket, DateTimeOffset RefreshAfter);
}
