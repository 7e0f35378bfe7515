using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A local stand-in for api.weixin.qq.com on 127.0.0.1: hands out tokens, records every
/// customer-service and subscribe-message send, and answers scripted errcodes when told to.
/// </summary>
public sealed class WeChatApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _sent = new(0);
    private int _tokens;
    private int _attempts;

    private WeChatApiStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<JsonElement> CustomerMessages { get; } = new();

    public ConcurrentQueue<JsonElement> SubscribeMessages { get; } = new();

    /// <summary>Faults the next sends meet, one a send, in order; then WeChat on a good day.</summary>
    public ConcurrentQueue<ApiFault> NextFaults { get; } = new();

    /// <summary>
    /// When set, asked for every send that <see cref="NextFaults"/> leaves alone: a fault to answer with, or null.
    /// </summary>
    public Func<int, ApiFault?>? FaultEvery { get; set; }

    /// <summary>
    /// How long each send takes to answer (WeChat is not instant; a fan-out then lasts long enough to be cut).
    /// </summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>Every send request that arrived, answered with a fault or not.</summary>
    public int SendAttempts => _attempts;

    /// <summary>The faults answered so far, by kind.</summary>
    public ConcurrentDictionary<string, int> FaultsServed { get; } = new();

    public int TokenRequests => _tokens;

    /// <summary>What <c>media/get</c> answers: a JPEG's first bytes unless a test gives a whole picture.</summary>
    public byte[] Media { get; set; } = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    /// <summary>When set, each media id's own bytes (so a test can tell photos apart).</summary>
    public Func<string, byte[]>? MediaFor { get; set; }

    public static async Task<WeChatApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new WeChatApiStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        standIn.BaseUrl = new Uri(address);
        return standIn;
    }

    /// <summary>Waits (up to the deadline) until this many customer-service messages arrived.</summary>
    public async Task<bool> WaitForCustomerMessagesAsync(int count, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (CustomerMessages.Count < count)
        {
            var left = deadline - clock.Elapsed;
            if (left <= TimeSpan.Zero || !await _sent.WaitAsync(left))
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _sent.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/cgi-bin/token", () =>
            Results.Json(new { access_token = $"standin-{Interlocked.Increment(ref _tokens)}", expires_in = 7200 })
        );
        app.MapPost("/cgi-bin/message/custom/send", async (HttpRequest request) =>
            await RecordAsync(request, CustomerMessages)
        );
        app.MapPost("/cgi-bin/message/subscribe/bizsend", async (HttpRequest request) =>
            await RecordAsync(request, SubscribeMessages)
        );
        app.MapGet("/cgi-bin/media/get", (string media_id) =>
        {
            var bytes = MediaFor?.Invoke(media_id) ?? Media;
            return Results.Bytes(bytes, bytes[0] == 0x89 ? "image/png" : "image/jpeg");
        });
    }

    private async Task<IResult> RecordAsync(HttpRequest request, ConcurrentQueue<JsonElement> into)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
        var attempt = Interlocked.Increment(ref _attempts);
        var fault = NextFaults.TryDequeue(out var scripted) ? scripted : FaultEvery?.Invoke(attempt);
        if (fault == ApiFault.TakenNoAnswer)
        {
            // Taken, and the answer never comes back: the caller cannot tell this from a plain hang.
            FaultsServed.AddOrUpdate(nameof(ApiFault.TakenNoAnswer), 1, (_, n) => n + 1);
            into.Enqueue(body);
            _sent.Release();
            await Task.Delay(Timeout.InfiniteTimeSpan, request.HttpContext.RequestAborted)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        if (fault is not { } served)
        {
            // Taken as soon as it arrived, as WeChat does; the answer may still be slow to come back.
            into.Enqueue(body);
            _sent.Release();
            await SlowAsync(request);
            return Results.Json(new { errcode = 0, errmsg = "ok" });
        }

        FaultsServed.AddOrUpdate(served.ToString(), 1, (_, n) => n + 1);
        if (served == ApiFault.Hang)
        {
            // No answer until the caller gives up (its attempt timeout); the message is not taken.
            await Task.Delay(Timeout.InfiniteTimeSpan, request.HttpContext.RequestAborted)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        await SlowAsync(request);
        return served == ApiFault.ServerError
            ? Results.StatusCode(StatusCodes.Status500InternalServerError)
            : Results.Json(new { errcode = (int)served, errmsg = served.ToString() });
    }

    private Task SlowAsync(HttpRequest request) =>
        SendDelay > TimeSpan.Zero
            ? Task.Delay(SendDelay, request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default)
            : Task.CompletedTask;
}

/// <summary>What the stand-in can do to a send instead of taking it (errcodes as WeChat sends them).</summary>
public enum ApiFault
{
    /// <summary>40001: the access token is invalid or expired.</summary>
    TokenExpired = 40001,

    /// <summary>45009: the API's daily quota is used up.</summary>
    QuotaExceeded = 45009,

    /// <summary>45047: too many customer-service messages to this user.</summary>
    TooManyMessages = 45047,

    /// <summary>HTTP 500, no errcode.</summary>
    ServerError = 500,

    /// <summary>Never answers (until the caller hangs up), and does not take the message.</summary>
    Hang = 1,

    /// <summary>Takes the message, and never answers (until the caller hangs up).</summary>
    TakenNoAnswer = 2,
}
