using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using ServiceBot.Bench.Load;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench.Inner;

/// <summary>
/// Where a full turn's time and allocations go, piece by piece (BenchmarkDotNet, memory
/// diagnoser): opening the message, the turn itself on a store in memory, the state's JSON, and
/// the encrypted reply. The load run measures the whole; this says which part to fix.
/// </summary>
[MemoryDiagnoser]
public class TurnPieces
{
    private const int Customers = 1_000;

    private readonly WeChatCrypto _crypto = new(WeChatMessages.EncodingAesKey, WeChatMessages.AppId);
    private string _envelope = "";
    private string _cipher = "";
    private byte[] _state = [];
    private ConversationRecord _record = new();
    private ITurnProcessor _turns = null!;
    private ServiceProvider _services = null!;
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var message = WeChatMessages.Build(1, 1, TimeProvider.System.GetUtcNow())[0];
        _envelope = message.Body;
        _cipher = WeChatXml.Parse(_envelope)["Encrypt"]!;

        _services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IDocumentStore>(new MemoryDocumentStore())
            .AddSingleton<IMediaDownloader, NoMedia>()
            .AddQuartz()
            .AddConversations()
            .AddDelivery()
            // Mediator registers every domain-event handler, so the stores they use must be there too.
            .AddSingleton<OrderStore>()
            .AddSingleton<NoticeLedger>()
            .AddCustomerPhotos()
            .AddHandoff()
            .AddMainMenu()
            .BuildServiceProvider();
        _turns = _services.GetRequiredService<ITurnProcessor>();

        // Every customer has talked before: the state is a real one, read and written back.
        for (var i = 0; i < Customers * 4; i++)
        {
            Turn().GetAwaiter().GetResult();
        }

        var store = _services.GetRequiredService<IDocumentStore>();
        _state = store
            .ReadAsync(StorageKey.Join("conversations", "wechat", WeChatMessages.OpenId(0)), CancellationToken.None)
            .GetAwaiter()
            .GetResult()!
            .Content.ToArray();
        _record = JsonSerializer.Deserialize(_state, ConversationJsonContext.Stored)!;
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "open: parse envelope, decrypt, parse, map")]
    public object? Open()
    {
        var envelope = WeChatXml.Parse(_envelope);
        _crypto.TryDecrypt(envelope["Encrypt"] ?? _cipher, out var inner, out _);
        return WeChatActivityMapper.Map(WeChatXml.Parse(inner));
    }

    [Benchmark(Description = "turn: gate, load, de-dup, dialog, save (store in memory)")]
    public Task Turn()
    {
        var n = Interlocked.Increment(ref _sequence);
        return _turns.ProcessAsync(
            new Activity
            {
                Id = $"m{n}",
                Type = ActivityType.Message,
                Text = n % 2 == 0 ? "你好" : "在吗",
                Conversation = new ConversationReference("wechat", WeChatMessages.OpenId((int)(n % Customers))),
                Timestamp = TimeProvider.System.GetUtcNow(),
            },
            TurnDelivery.Passive,
            CancellationToken.None
        );
    }

    [Benchmark(Description = "state: JSON read of a conversation")]
    public object? ReadState() => JsonSerializer.Deserialize(_state, ConversationJsonContext.Stored);

    [Benchmark(Description = "state: JSON write of a conversation")]
    public byte[] WriteState() => JsonSerializer.SerializeToUtf8Bytes(_record, ConversationJsonContext.Stored);

    [Benchmark(Description = "reply: render, encrypt, sign")]
    public string Reply()
    {
        var xml = WeChatReplyXml.Render(
            Services.Conversations.Reply.FromText("请回复数字：1. 查订单 / 物流 2. 我的退货"),
            WeChatMessages.OpenId(0),
            WeChatMessages.Account,
            1_790_000_000
        );
        var encrypted = _crypto.Encrypt(xml);
        return WeChatReplyXml.Envelope(
            encrypted,
            WeChatSignature.Compute(WeChatMessages.Token, "1790000000", "nonce", encrypted),
            "1790000000",
            "nonce"
        );
    }

    private sealed class NoMedia : IMediaDownloader
    {
        public Task<DownloadedMedia> DownloadAsync(
            ConversationReference conversation,
            MediaAttachment media,
            long maxBytes,
            CancellationToken cancellationToken
        ) => Task.FromResult(new DownloadedMedia(null, null, "no media in a benchmark"));
    }
}
