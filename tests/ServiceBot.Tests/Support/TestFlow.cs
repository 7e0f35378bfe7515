using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Insights;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.Tests.Support;

/// <summary>
/// Drives conversations through the real channel-neutral pipeline, botbuilder's TestFlow idea:
/// <c>await flow.Send("帮助").ExpectReply("请回复数字").RunAsync()</c>.
/// </summary>
internal sealed class TestFlow
{
    private readonly List<Func<Task>> _steps = [];
    private readonly Queue<Reply> _pending = new();
    private int _sequence;

    public TestFlow(
        Action<IServiceCollection>? configure = null,
        InMemoryDocumentStore? store = null,
        FakeTimeProvider? time = null
    )
    {
        Store = store ?? new InMemoryDocumentStore();
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<IDocumentStore>(Store)
            .AddSingleton<IMediaDownloader>(new JpegMediaDownloader())
            // Domain-event handlers schedule and cancel Quartz jobs: a real, unstarted, in-memory scheduler.
            .AddQuartz()
            .AddConversations()
            .AddDelivery()
            // Mediator registers every domain-event handler, so the stores they use must be there too.
            .AddSingleton<OrderStore>()
            .AddSingleton<NoticeLedger>()
            .AddCustomerPhotos()
            .AddHandoff()
            .AddWebhooks()
            .AddInsights()
            .AddMainMenu();
        configure?.Invoke(services);
        Services = services.BuildServiceProvider(
            new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }
        );
    }

    public InMemoryDocumentStore Store { get; }

    public FakeTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public ConversationReference Conversation { get; init; } = new("test", "user-1");

    public TestFlow Send(string text) => Deliver(NewMessage(text));

    public TestFlow SendEvent(string name, string? key = null) =>
        Deliver(
            new Activity
            {
                Id = $"evt-{Interlocked.Increment(ref _sequence)}",
                Type = ActivityType.Event,
                EventName = name,
                EventKey = key,
                Conversation = Conversation,
                Timestamp = Time.GetUtcNow(),
            }
        );

    public TestFlow Deliver(Activity activity)
    {
        _steps.Add(async () =>
        {
            var result = await Services
                .GetRequiredService<ITurnProcessor>()
                .ProcessAsync(activity, TurnDelivery.Passive, TestContext.Current.CancellationToken);
            foreach (var reply in result.Replies)
            {
                _pending.Enqueue(reply);
            }
        });
        return this;
    }

    /// <summary>The next reply contains <paramref name="fragment"/>.</summary>
    public TestFlow ExpectReply(string fragment)
    {
        _steps.Add(() =>
        {
            Assert.True(_pending.Count > 0, $"Expected a reply containing \"{fragment}\" but there was none.");
            var reply = _pending.Dequeue();
            Assert.Contains(fragment, reply.Text, StringComparison.Ordinal);
            return Task.CompletedTask;
        });
        return this;
    }

    /// <summary>The next reply contains <paramref name="fragment"/> and not <paramref name="absent"/>.</summary>
    public TestFlow ExpectReply(string fragment, string absent)
    {
        _steps.Add(() =>
        {
            Assert.True(_pending.Count > 0, $"Expected a reply containing \"{fragment}\" but there was none.");
            var reply = _pending.Dequeue();
            Assert.Contains(fragment, reply.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(absent, reply.Text, StringComparison.Ordinal);
            return Task.CompletedTask;
        });
        return this;
    }

    public TestFlow ExpectNoReply()
    {
        _steps.Add(() =>
        {
            Assert.True(
                _pending.Count == 0,
                $"Expected no reply but got \"{(_pending.Count > 0 ? _pending.Peek().Text : "")}\"."
            );
            return Task.CompletedTask;
        });
        return this;
    }

    public TestFlow ExpectState(Action<ConversationRecord> check)
    {
        _steps.Add(async () =>
        {
            var loaded = await Services
                .GetRequiredService<ConversationStateStore>()
                .LoadAsync(Conversation, TestContext.Current.CancellationToken);
            check(loaded.Record);
        });
        return this;
    }

    public async Task RunAsync()
    {
        foreach (var step in _steps)
        {
            await step();
        }

        _steps.Clear();
        Assert.True(
            _pending.Count == 0,
            $"Unexpected extra reply: \"{(_pending.Count > 0 ? _pending.Peek().Text : "")}\"."
        );
    }

    public Activity NewMessage(string text) =>
        new()
        {
            Id = $"msg-{Interlocked.Increment(ref _sequence)}",
            Type = ActivityType.Message,
            Kind = MessageKind.Text,
            Text = text,
            Conversation = Conversation,
            Timestamp = Time.GetUtcNow(),
        };
}

/// <summary>Every photo a test customer sends downloads as the same tiny JPEG.</summary>
internal sealed class JpegMediaDownloader : IMediaDownloader
{
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46];

    public Task<DownloadedMedia> DownloadAsync(
        ConversationReference conversation,
        MediaAttachment media,
        long maxBytes,
        CancellationToken cancellationToken
    ) => Task.FromResult(new DownloadedMedia(Jpeg, "image/jpeg", null));
}
