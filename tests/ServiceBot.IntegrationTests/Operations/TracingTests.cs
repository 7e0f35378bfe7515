using System.Diagnostics;
using OpenTelemetry.Trace;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>
/// With tracing on, a WeChat message is one request span, its turn a child, and the turn's storage
/// calls the turn's children; no span carries the customer's id or the request's signature.
/// </summary>
public sealed class TracingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATurn_IsASpanOfItsRequest_WithItsStorageCallsInside_AndNoIdsOrSignatures()
    {
        var spans = new List<Activity>();
        using var bot = new BotFactory
        {
            TestServices = services =>
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)),
        };
        bot.Settings["Operations:Tracing"] = "true";
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();
        var request = WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "你好"), openId);
        // Listeners are process-wide, so spans of other tests' hosts arrive too: ours carry this trace.
        var trace = ActivityTraceId.CreateRandom();
        request.Headers.Add(
            "traceparent",
            $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01"
        );
        var signature = System.Web.HttpUtility.ParseQueryString(
            new Uri(new Uri("http://bot"), request.RequestUri!).Query
        )["msg_signature"]!;

        using (var response = await http.SendAsync(request, Ct))
        {
            response.EnsureSuccessStatusCode();
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(Snapshot(spans).Any(s => s.Kind == ActivityKind.Server && s.TraceId == trace)),
            "the request's span never ended"
        );
        var all = Snapshot(spans).Where(s => s.TraceId == trace).ToList();
        var server = Assert.Single(all, s => s.Kind == ActivityKind.Server);
        var turn = Assert.Single(all, s => s.Source.Name == "ServiceBot.Turns");
        var storage = all.Where(s => s.Source.Name == "ServiceBot.Storage").ToList();

        Assert.Equal(server.SpanId, turn.ParentSpanId);
        Assert.Equal("wechat", turn.GetTagItem("servicebot.channel"));
        Assert.Contains(storage, s => s.DisplayName == "local read" && s.ParentSpanId == turn.SpanId);
        Assert.Contains(storage, s => s.DisplayName == "local write" && s.ParentSpanId == turn.SpanId);
        var values = all.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(s.DisplayName));
        Assert.DoesNotContain(values, v => v.Contains(openId, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains(signature, StringComparison.Ordinal));
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }
}
