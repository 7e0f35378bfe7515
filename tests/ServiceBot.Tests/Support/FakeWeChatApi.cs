using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ServiceBot.Tests.Support;

/// <summary>
/// An in-process WeChat API for client tests: records every call and answers from a script
/// (errcodes or HTTP statuses queued per path), otherwise like WeChat on a good day.
/// </summary>
public sealed class FakeWeChatApi : HttpMessageHandler
{
    private int _tokens;

    public ConcurrentQueue<(string Path, string Query, string Body)> Calls { get; } = new();

    public ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> Script { get; } = new();

    /// <summary>When set, token requests wait for it: lets a test hold a refresh open.</summary>
    public TaskCompletionSource? HoldToken { get; set; }

    public int ExpiresIn { get; set; } = 7200;

    public int TokenCalls => Calls.Count(c => c.Path == "/cgi-bin/token");

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

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Calls.Enqueue((path, request.RequestUri.Query, body));
        if (path == "/cgi-bin/token" && HoldToken is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Script.TryGetValue(path, out var queue) && queue.TryDequeue(out var scripted))
        {
            return scripted();
        }

        return path switch
        {
            "/cgi-bin/token" => Json(
                new { access_token = $"token-{Interlocked.Increment(ref _tokens)}", expires_in = ExpiresIn }
            ),
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
