using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench.Inner;

/// <summary>
/// A store in memory with the same conditions, so a benchmark of a turn measures the turn, not a disk.
/// </summary>
internal sealed class MemoryDocumentStore : IDocumentStore
{
    private readonly ConcurrentDictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.TryGetValue(key, out var document) ? document : null);

    public Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        var etag = Guid.NewGuid().ToString("N");
        var written = new StoredDocument(content.ToArray(), etag);
        var ok = condition.Kind switch
        {
            WriteConditionKind.IfAbsent => _documents.TryAdd(key, written),
            WriteConditionKind.IfMatch => _documents.TryGetValue(key, out var current)
                && current.ETag == condition.ETag
                && _documents.TryUpdate(key, written, current),
            _ => (_documents[key] = written) is not null,
        };
        return Task.FromResult(ok ? etag : null);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.TryRemove(key, out _));

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        foreach (
            var key in _documents
                .Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
        )
        {
            await Task.Yield();
            yield return key;
        }
    }

    public Task CheckReachableAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
