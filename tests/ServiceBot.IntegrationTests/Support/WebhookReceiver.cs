using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// The merchant's system at the other end of an outbound webhook: keeps every request it gets, and
/// answers 500 to the first <see cref="FailFirst"/> deliveries of each event, then 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int FailFirst { get; init; }

    /// <summary>Every request: its timestamp and signature headers and its body.</summary>
    public ConcurrentQueue<(string? Timestamp, string? Signature, string Body, int Answered)> Requests { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { FailFirst = failFirst };
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
            var seen = receiver._seen.AddOrUpdate(id, 1, (_, n) => n + 1);
            var status = seen <= receiver.FailFirst ? 500 : 200;
            receiver.Requests.Enqueue((request.Headers["X-Timestamp"], request.Headers["X-Signature"], body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
