using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Npgsql;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Storage;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// Several real bot processes on 127.0.0.1 as a merchant runs them behind a load balancer: one
/// Azure Blob container (Azurite), one clustered Quartz (PostgreSQL), one WeChat API stand-in.
/// </summary>
internal sealed class BotCluster : IAsyncDisposable
{
    public const string CourierSecret = "cluster-secret";
    public const string MerchantKey = "cluster-key";

    private readonly List<BotProcess> _instances = [];
    private readonly List<BotProcess> _stopped = [];

    private BotCluster(Dictionary<string, string> environment) => Environment = environment;

    /// <summary>
    /// What every instance is started with (shared storage, scheduler, secrets, a zone where it is midday).
    /// </summary>
    public Dictionary<string, string> Environment { get; }

    public IReadOnlyList<BotProcess> Instances => _instances;

    /// <summary>
    /// Everything the instances printed, the stopped ones included: for a failing assertion's message.
    /// </summary>
    public string Output => string.Join("\n----\n", _stopped.Concat(_instances).Select(i => i.Output));

    public static async Task<BotCluster> StartAsync(
        int instances,
        string storage,
        string scheduler,
        WeChatApiStandIn api,
        IReadOnlyDictionary<string, string>? settings = null,
        Func<int, IReadOnlyDictionary<string, string>?>? perInstance = null
    )
    {
        var environment = new Dictionary<string, string>
        {
            ["WeChat__Token"] = BotFactory.Token,
            ["WeChat__AppId"] = BotFactory.AppId,
            ["WeChat__EncodingAESKey"] = BotFactory.AesKey,
            ["WeChat__AppSecret"] = "standin-secret",
            ["WeChat__ApiBaseUrl"] = api.BaseUrl.AbsoluteUri,
            ["Storage__Provider"] = "AzureBlob",
            ["Storage__ConnectionString"] = storage,
            ["Storage__Container"] = "c" + Guid.NewGuid().ToString("N")[..20],
            ["Scheduler__Provider"] = "PostgreSql",
            ["Scheduler__ConnectionString"] = scheduler,
            ["Couriers__sf__Secret"] = CourierSecret,
            ["Couriers__sf__Carriers"] = "SF,顺丰",
            ["Merchant__ApiKey"] = MerchantKey,
            ["Policy__TimeZone"] = MiddayZone(),
            ["RateLimits__WebChatPerMinute"] = "100000",
            ["RateLimits__CourierPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var cluster = new BotCluster(environment);
        for (var i = 0; i < instances; i++)
        {
            var own = new Dictionary<string, string>(environment);
            foreach (var (key, value) in perInstance?.Invoke(i) ?? new Dictionary<string, string>())
            {
                own[key] = value;
            }

            cluster._instances.Add(BotProcess.Start(own));
        }

        await Task.WhenAll(
            cluster._instances.Select(i => i.WaitUntilListeningAsync(TestContext.Current.CancellationToken))
        );
        return cluster;
    }

    /// <summary>The instances' shared store, read directly (as the merchant's storage account would be).</summary>
    public IDocumentStore Store() =>
        new BlobDocumentStore(
            new BlobServiceClient(Environment["Storage__ConnectionString"]).GetBlobContainerClient(
                Environment["Storage__Container"]
            )
        );

    /// <summary>A client for instance <paramref name="index"/>, carrying the merchant key.</summary>
    public HttpClient Client(int index)
    {
        var http = new HttpClient { BaseAddress = _instances[index].BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Add("X-Api-Key", MerchantKey);
        return http;
    }

    /// <summary>SIGKILLs instance <paramref name="index"/> and starts a fresh process in its place.</summary>
    public async Task ReplaceAsync(int index)
    {
        Kill(index);
        var fresh = BotProcess.Start(Environment);
        await fresh.WaitUntilListeningAsync(TestContext.Current.CancellationToken);
        _instances[index] = fresh;
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed.</summary>
    public void Kill(int index)
    {
        _instances[index].Kill();
        _stopped.Add(_instances[index]);
    }

    /// <summary>
    /// The index of the live instance that last logged starting a step of the campaign's fan-out, or -1.
    /// </summary>
    public int RunningCampaign(string campaignId)
    {
        var latest = _instances
            .Select(
                (instance, index) =>
                    (
                        index,
                        at: instance.HasExited
                            ? null
                            : instance.LastPrinted($"Campaign {campaignId}: fan-out step starting")
                    )
            )
            .Where(i => i.at is not null)
            .OrderByDescending(i => i.at)
            .FirstOrDefault((index: -1, at: null));
        return latest.index;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _stopped.Concat(_instances).Distinct())
        {
            await instance.DisposeAsync();
        }
    }

    /// <summary>
    /// A fixed-offset zone where it is now between 12:00 and 13:00, so the real clock is inside delivery and promotion
    /// hours.
    /// </summary>
    public static string MiddayZone()
    {
        var offset = 12 - TimeProvider.System.GetUtcNow().Hour;
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    // Helpers that speak the wire as WeChat, couriers and the merchant do.
    public static async Task<string> SayAsync(
        HttpClient http,
        string openId,
        long msgId,
        string text,
        CancellationToken cancellationToken
    )
    {
        using var response = await http.SendAsync(
            WeChatWire.Encrypted(WeChatWire.Text(openId, msgId, text), openId),
            cancellationToken
        );
        response.EnsureSuccessStatusCode();
        return WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(cancellationToken))["Content"]!;
    }

    public static async Task PutOrderAsync(
        HttpClient http,
        string orderId,
        string openId,
        string sku,
        string? trackingNumber,
        CancellationToken cancellationToken
    )
    {
        var shipment = trackingNumber is null
            ? ""
            : $$""","shipment":{"carrier":"顺丰","trackingNumber":"{{trackingNumber}}","status":"in_transit"}""";
        var json = $$"""
            {"openId":"{{openId}}","placedAt":"{{TimeProvider.System.GetUtcNow().AddDays(-1):O}}","status":"{{(
                trackingNumber is null ? "delivered" : "shipped"
            )}}",
             "items":[{"sku":"{{sku}}","name":"保温杯","quantity":1,"price":99}]{{shipment}}}
            """;
        using var response = await http.PutAsync(
            $"/api/orders/{orderId}",
            new StringContent(json, Encoding.UTF8, "application/json"),
            cancellationToken
        );
        response.EnsureSuccessStatusCode();
    }

    public static async Task<HttpResponseMessage> CourierAsync(
        HttpClient http,
        string eventId,
        string trackingNumber,
        string status,
        DateTimeOffset occurredAt,
        CancellationToken cancellationToken
    )
    {
        var body = Encoding.UTF8.GetBytes(
            $$"""
            {"eventId":"{{eventId}}","carrier":"SF","trackingNumber":"{{trackingNumber}}","status":"{{status}}",
            "occurredAt":"{{occurredAt:O}}","location":"上海"}
            """
        );
        using var request = CourierWire.Signed(body, CourierSecret, TimeProvider.System.GetUtcNow());
        return await http.SendAsync(request, cancellationToken);
    }

    public static async Task<List<NoticeRecord>> NoticesAsync(
        HttpClient http,
        string openId,
        CancellationToken cancellationToken
    ) =>
        (
            await http.GetFromJsonAsync<List<NoticeRecord>>(
                $"/api/customers/{openId}/notices",
                new JsonSerializerOptions(NoticeJsonContext.Default.Options),
                cancellationToken
            )
        )!;

    /// <summary>The sum of a /metrics series' samples whose labels contain every given label.</summary>
    public static async Task<double> MetricAsync(
        HttpClient http,
        string metric,
        CancellationToken cancellationToken,
        params string[] labels
    )
    {
        using var management = new HttpClient { BaseAddress = BotProcess.ManagementOf(http.BaseAddress!) };
        var scrape = await management.GetStringAsync("/metrics", cancellationToken);
        return scrape
            .Split('\n')
            .Where(line =>
                (
                    line.StartsWith(metric + "{", StringComparison.Ordinal)
                    || line.StartsWith(metric + " ", StringComparison.Ordinal)
                ) && labels.All(l => line.Contains(l, StringComparison.Ordinal))
            )
            .Sum(line =>
                double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            );
    }

    /// <summary>
    /// Every notice or campaign step is its own job, deleted once done: waits (with a deadline) until the cluster has
    /// none of the group left.
    /// </summary>
    public static async Task NoJobsLeftAsync(string scheduler, string group, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(scheduler);
        await connection.OpenAsync(cancellationToken);
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM qrtz_job_details WHERE job_group = @group",
                    connection
                );
                count.Parameters.AddWithValue("group", group);
                return (long)(await count.ExecuteScalarAsync(cancellationToken))! == 0;
            },
            $"a {group} job was still scheduled after two minutes",
            TimeSpan.FromSeconds(120)
        );
    }
}
