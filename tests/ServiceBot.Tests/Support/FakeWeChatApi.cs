using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ServiceBot.Tests.Support;

/// <summary>
/// An in-process WeChat API for client tests: records every call and answers from a script
/// (errcodes or HTTP statuses queued per path), otherwise like WeChat on a good day. Tokens come from
/// <c>stable_token</c> as WeChat hands them out: the same one until a forced refresh replaces it.
/// </summary>
public sealed class FakeWeChatApi : HttpMessageHandler
{
    private int _tokens;
    private string? _current;

    public ConcurrentQueue<(string Path, string Query, string Body)> Calls { get; } = new();

    public ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> Script { get; } = new();

    /// <summary>When set, token requests wait for it: lets a test hold a refresh open.</summary>
    public TaskCompletionSource? HoldToken { get; set; }

    public int ExpiresIn { get; set; } = 7200;

    public int TokenCalls => Calls.Count(c => c.Path == StableToken);

    /// <summary>Token requests that asked WeChat to replace a token still valid (force_refresh).</summary>
    public int ForcedRefreshes =>
        Calls.Count(c => c.Path == StableToken && c.Body.Contains("\"force_refresh\":true", StringComparison.Ordinal));

    private const string StableToken = "/cgi-bin/stable_token";

    /// <summary>Replaces the token as another caller's forced refresh would.</summary>
    public void Rotate() => _current = $"token-{Interlocked.Increment(ref _tokens)}";

    public int CallsTo(string path) => Calls.Count(c => c.Path == path);

    public void Then(string path, int errcode) => Then(path, () => Json(new { errcode, errmsg = "scripted" }));

    public void ThenStatus(string path, HttpStatusCode status) => Then(path, () => new HttpResponseMessage(status));

    public void Then(string path, Func<HttpResponseMessage> response) =>
        Script.GetOrAdd(path, _ => new ConcurrentQueue<Func<HttpResponseMessage>>()).Enqueue(response);

    public static HttpResponseMessage Json(object body) =>
        new(HttpStatusCode.OK)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };

    private string Current(string body)
    {
        lock (Calls)
        {
            if (_current is null || body.Contains("\"force_refresh\":true", StringComparison.Ordinal))
            {
                Rotate();
            }

            return _current!;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Calls.Enqueue((path, request.RequestUri.Query, body));
        if (path == StableToken && HoldToken is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Script.TryGetValue(path, out var queue) && queue.TryDequeue(out var scripted))
        {
            return scripted();
        }

        return path switch
        {
            // Normal mode hands out the token in force; force_refresh (or none yet) replaces it.
            StableToken => Json(new { access_token = Current(body), expires_in = ExpiresIn }),
            "/cgi-bin/media/get" => new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
                {
                    Headers = { ContentType = new("image/jpeg") },
                },
            },
            _ => Json(new { errcode = 0, errmsg = "ok" }),
        };
    }
}
