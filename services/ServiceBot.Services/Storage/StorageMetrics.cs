using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ServiceBot.Services.Storage;

/// <summary>
/// <c>servicebot.storage.requests</c>: every request a store makes, by store and operation. For
/// Azure Blob it counts at the HTTP pipeline, once per attempt, so SDK retries show; for the
/// local store once per document read, written or deleted, and per listing.
/// </summary>
internal static class StorageMetrics
{
    public const string MeterName = "ServiceBot.Storage";

    private static readonly Meter Meter = new(MeterName);

    // Spans of the local store's calls (Blob's come from the Azure SDK); nothing is made unless tracing is on.
    private static readonly ActivitySource Spans = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "servicebot.storage.requests",
        "{request}",
        "Requests made to the document store."
    );

    private static readonly Counter<long> CompactionFailures = Meter.CreateCounter<long>(
        "servicebot.storage.compaction_failures",
        "{failure}",
        "Compactions of the local store that failed (the old files keep everything)."
    );

    /// <summary>A span for one storage call, named by the kind of document (a key's first segment).</summary>
    internal static Activity? Trace(string store, string operation, string key)
    {
        var span = Spans.StartActivity($"{store} {operation}", ActivityKind.Client);
        span?.SetTag("db.system", "servicebot." + store);
        span?.SetTag("db.operation", operation);
        span?.SetTag("servicebot.storage.kind", key.Split('/', 2)[0]);
        return span;
    }

    internal static void CountCompactionFailure() => CompactionFailures.Add(1);

    internal static void Count(string store, string operation, int requests = 1) =>
        Requests.Add(
            requests,
            new KeyValuePair<string, object?>("store", store),
            new KeyValuePair<string, object?>("operation", operation)
        );

    /// <summary>Counts each HTTP request the Blob client sends, retries included.</summary>
    internal sealed class BlobRequestCounter : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => Count("blob", message.Request.Method.Method);
    }
}
