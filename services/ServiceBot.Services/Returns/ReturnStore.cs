using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Returns;

/// <summary>
/// Returns (<c>returns/{rma}</c>) with a per-customer index; their photos are <see cref="Photos.CustomerPhotos"/>.
/// </summary>
internal sealed class ReturnStore(IDocumentStore store)
{
    /// <summary>
    /// Creates the return if its RMA id is new; false when it already exists (a retried confirmation).
    /// </summary>
    public async Task<bool> CreateAsync(ReturnRequest request, CancellationToken cancellationToken)
    {
        // The return first, then the customer's index: a taken id never lists another's return as theirs,
        // and a retry after a crash between the two writes completes the index of the customer's own.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, ReturnsJsonContext.Default.ReturnRequest);
        var created =
            await store.TryWriteAsync(Key(request.RmaId), bytes, WriteCondition.IfAbsent, cancellationToken)
            is not null;
        if (!created && (await GetAsync(request.RmaId, cancellationToken))?.Request.OpenId != request.OpenId)
        {
            return false;
        }

        await store.TryWriteAsync(
            IndexKey(request.OpenId, request.RmaId),
            ReadOnlyMemory<byte>.Empty,
            WriteCondition.None,
            cancellationToken
        );
        return created;
    }

    public async Task<(ReturnRequest Request, string ETag)?> GetAsync(string rmaId, CancellationToken cancellationToken)
    {
        if (!IsValidId(rmaId) || await store.ReadAsync(Key(rmaId), cancellationToken) is not { } document)
        {
            return null;
        }

        return (
            JsonSerializer.Deserialize(document.Content.Span, ReturnsJsonContext.Default.ReturnRequest)!,
            document.ETag
        );
    }

    /// <summary>Saves a change if nobody changed the return since it was read.</summary>
    public async Task<bool> TryUpdateAsync(ReturnRequest request, string etag, CancellationToken cancellationToken) =>
        await store.TryWriteAsync(
            Key(request.RmaId),
            JsonSerializer.SerializeToUtf8Bytes(request, ReturnsJsonContext.Default.ReturnRequest),
            WriteCondition.IfMatch(etag),
            cancellationToken
        )
            is not null;

    /// <summary>
    /// Cuts a return loose from its customer (erasure): no OpenID, conversation, reason text or photos; the
    /// merchant keeps the rest of the record.
    /// </summary>
    public async Task ForgetCustomerAsync(string rmaId, CancellationToken cancellationToken) =>
        await store.UpdateAsync(
            Key(rmaId),
            ReturnsJsonContext.Default.ReturnRequest,
            request =>
                request is null ? null : request with { OpenId = "", Reason = "", Photos = [], Conversation = null },
            cancellationToken
        );

    public async Task<IReadOnlyList<ReturnRequest>> ListAsync(ReturnStatus? status, CancellationToken cancellationToken)
    {
        var all = new List<ReturnRequest>();
        await foreach (
            var (_, request) in store.ReadAllAsync(
                "returns/",
                ReturnsJsonContext.Default.ReturnRequest,
                cancellationToken
            )
        )
        {
            if (status is null || request.Status == status)
            {
                all.Add(request);
            }
        }

        return [.. all.OrderBy(r => r.CreatedAt)];
    }

    public async Task<IReadOnlyList<ReturnRequest>> ListForCustomerAsync(
        string openId,
        CancellationToken cancellationToken
    )
    {
        var mine = new List<ReturnRequest>();
        await foreach (
            var key in store.ListKeysAsync(StorageKey.Join("customers", openId, "returns") + "/", cancellationToken)
        )
        {
            if (await GetAsync(key.Split('/')[^1], cancellationToken) is { } found && found.Request.OpenId == openId)
            {
                mine.Add(found.Request);
            }
        }

        return [.. mine.OrderByDescending(r => r.CreatedAt)];
    }

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Key(string rmaId) => StorageKey.Join("returns", rmaId);

    private static string IndexKey(string openId, string rmaId) =>
        StorageKey.Join("customers", openId, "returns", rmaId);
}
