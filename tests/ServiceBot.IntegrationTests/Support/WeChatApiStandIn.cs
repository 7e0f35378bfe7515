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

    private WeChatApiStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<JsonElement> CustomerMessages { get; } = new();

    public ConcurrentQueue<JsonElement> SubscribeMessages { get; } = new();

    /// <summary>Errcodes the next sends answer with, in order; then 0.</summary>
    public ConcurrentQueue<int> NextErrcodes { get; } = new();

    public int TokenRequests => _tokens;

    /// <summary>What <c>media/get</c> answers: a JPEG's first bytes unless a test gives a whole picture.</summary>
    public byte[] Media { get; set; } = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    public static async Task<WeChatApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new WeChatApiStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
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
            Results.Json(new { access_token = $"standin-{Interlocked.Increment(ref _tokens)}", expires_in = 7200 }));
        app.MapPost("/cgi-bin/message/custom/send", async (HttpRequest request) => await RecordAsync(request, CustomerMessages));
        app.MapPost("/cgi-bin/message/subscribe/bizsend", async (HttpRequest request) => await RecordAsync(request, SubscribeMessages));
        app.MapGet("/cgi-bin/media/get", () => Results.Bytes(Media, Media[0] == 0x89 ? "image/png" : "image/jpeg"));
    }

    private async Task<IResult> RecordAsync(HttpRequest request, ConcurrentQueue<JsonElement> into)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
        var errcode = NextErrcodes.TryDequeue(out var scripted) ? scripted : 0;
        if (errcode == 0)
        {
            into.Enqueue(body);
            _sent.Release();
        }

        return Results.Json(new { errcode, errmsg = errcode == 0 ? "ok" : "scripted" });
    }
}
