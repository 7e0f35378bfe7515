using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Bench.Load;

/// <summary>
/// The two reference servers a full turn is measured against, each in a process of its own:
/// <c>bare</c> is the limit of this machine (Kestrel reads the body and answers <c>success</c>);
/// <c>protocol</c> is ServiceBot's own webhook (verify, decrypt, parse, map, render, encrypt) with
/// a turn that answers at once: no dialog, no storage.
/// </summary>
internal static class ReferenceServers
{
    public static async Task RunAsync(string kind, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        if (kind == "protocol")
        {
            builder.Services.AddSingleton(
                Options.Create(
                    new WeChatOptions
                    {
                        Token = WeChatMessages.Token,
                        AppId = WeChatMessages.AppId,
                        EncodingAESKey = WeChatMessages.EncodingAesKey,
                        MaxClockSkew = TimeSpan.FromHours(1),
                    }
                )
            );
            builder.Services.AddSingleton<ITurnProcessor, EchoTurns>();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(
                new ProactiveMessenger(
                    [],
                    SendRetry.None,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<ProactiveMessenger>.Instance
                )
            );
            builder.Services.AddSingleton<BackgroundTurns>();
            // Echo turns answer passively, so nothing is ever pushed: the outbox's store stays empty.
            builder.Services.AddSingleton(
                new SendOnceOutbox(
                    new LogDocumentStore(Directory.CreateTempSubdirectory("servicebot-protocol-").FullName),
                    TimeProvider.System
                )
            );
            builder.Services.AddSingleton<DeferredReplies>();
            builder.Services.AddSingleton<WeChatVerifier>();
            builder.Services.AddSingleton<ServiceBot.Bot.Operations.SampledWarnings>();
            builder.Services.AddSingleton<WeChatWebhook>();
        }

        var app = builder.Build();
        if (kind == "protocol")
        {
            app.MapPost(WeChatMessages.Path, (HttpRequest request, WeChatWebhook webhook, CancellationToken aborted) =>
                webhook.ReceiveAsync(request, aborted)
            );
        }
        else
        {
            app.MapPost(WeChatMessages.Path, async (HttpRequest request) =>
            {
                var buffer = new byte[16 * 1024];
                while (await request.Body.ReadAsync(buffer) > 0) { }

                return Results.Text("success", "text/plain");
            });
        }

        await app.RunAsync();
    }

    /// <summary>A turn with no dialog and no storage: it echoes the text at once.</summary>
    private sealed class EchoTurns : ITurnProcessor
    {
        public Task<TurnResult> ProcessAsync(
            Activity activity,
            TurnDelivery delivery,
            CancellationToken cancellationToken
        ) => Task.FromResult(new TurnResult([Reply.FromText("收到：" + activity.Text)], false));
    }
}
