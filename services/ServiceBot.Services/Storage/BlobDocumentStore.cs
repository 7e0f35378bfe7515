using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ServiceBot.Services.Storage;

/// <summary>
/// The production store: one blob per document. Create-if-absent is <c>If-None-Match: *</c>
/// (409 when taken), optimistic updates are <c>If-Match</c> (412 when stale); a read and a
/// conditional write are one request each.
/// </summary>
internal sealed class BlobDocumentStore(BlobContainerClient container) : IDocumentStore
{
    public async Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        try
        {
            var response = await container.GetBlobClient(key).DownloadContentAsync(cancellationToken);
            return new StoredDocument(response.Value.Content.ToMemory(), response.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw Unavailable("Reading", key, e);
        }
    }

    /// <summary>Sixteen reads in flight: a blob read is a round trip, so bulk reads overlap them.</summary>
    public async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(
        IReadOnlyList<string> keys,
        CancellationToken cancellationToken
    )
    {
        var documents = new StoredDocument?[keys.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => documents[i] = await ReadAsync(keys[i], ct)
        );
        return documents;
    }

    public async Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        StorageKey.Validate(key);
        var options = new BlobUploadOptions
        {
            Conditions = condition.Kind switch
            {
                WriteConditionKind.IfAbsent => new BlobRequestConditions { IfNoneMatch = ETag.All },
                WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
                _ => null,
            },
        };
        try
        {
            var response = await container
                .GetBlobClient(key)
                .UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
            return response.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (IsConditionFailure(e, condition))
        {
            return null;
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw Unavailable("Writing", key, e);
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        try
        {
            var response = await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return response.Value;
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw Unavailable("Deleting", key, e);
        }
    }

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);
        await foreach (var blob in pages.WithCancellation(cancellationToken))
        {
            yield return blob.Name;
        }
    }

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!(await container.ExistsAsync(cancellationToken)).Value)
            {
                throw new StorageUnavailableException($"The blob container '{container.Name}' does not exist.");
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw new StorageUnavailableException("The blob store cannot be reached.", e);
        }
    }

    public async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw new StorageUnavailableException($"The blob container '{container.Name}' cannot be created.", e);
        }
    }

    // If-Match on a blob that is gone answers 404, which for the caller is the same stale read.
    private static bool IsConditionFailure(RequestFailedException e, WriteCondition condition) =>
        condition.Kind switch
        {
            WriteConditionKind.IfAbsent => e.Status == (int)HttpStatusCode.Conflict,
            WriteConditionKind.IfMatch => e.Status
                is (int)HttpStatusCode.PreconditionFailed
                    or (int)HttpStatusCode.NotFound,
            _ => false,
        };

    // Azure.Core surfaces exhausted transport retries as an AggregateException.
    private static bool IsTransportFailure(Exception e) =>
        e is RequestFailedException or AggregateException or HttpRequestException;

    private static StorageUnavailableException Unavailable(string action, string key, Exception e) =>
        new($"{action} '{key}' in the blob store failed: {Describe(e)}.", e);

    // What an operator needs from a failure: the storage error code, the HTTP status, or why no answer
    // came (the last of the SDK's tries).
    private static string Describe(Exception e) =>
        e switch
        {
            RequestFailedException { ErrorCode: { Length: > 0 } code } => code,
            RequestFailedException { Status: > 0 } r => $"HTTP {r.Status}",
            RequestFailedException { InnerException: { } inner } => inner.Message,
            AggregateException { InnerExceptions: [.., var last] } => Describe(last),
            _ => e.Message,
        };
}
