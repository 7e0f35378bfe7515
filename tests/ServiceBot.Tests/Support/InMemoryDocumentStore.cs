using System.Runtime.CompilerServices;
using ServiceBot.Services.Storage;

namespace ServiceBot.Tests.Support;

/// <summary>A fake store for conversation scripts; it passes the same contract suite as the real ones.</summary>
internal sealed class InMemoryDocumentStore : IDocumentStore
{
    private readonly Dictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private long _version;

    private readonly List<string> _written = [];

    public int Writes { get; private set; }

    /// <summary>
    /// When it says so for a key, a write is applied and then fails as if its answer was lost (an outage).
    /// </summary>
    public Func<string, bool>? LoseAnswerOfWrite { get; set; }

    /// <summary>Every key written, in the order of the writes.</summary>
    public IReadOnlyList<string> Written
    {
        get
        {
            lock (_documents)
            {
                return _written.ToArray();
            }
        }
    }

    public IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (_documents)
            {
                return _documents.Keys.ToArray();
            }
        }
    }

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKey.Validate(key);
        lock (_documents)
        {
            return Task.FromResult(_documents.TryGetValue(key, out var document) ? document : null);
        }
    }

    public Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        StorageKey.Validate(key);
        lock (_documents)
        {
            var exists = _documents.TryGetValue(key, out var current);
            var allowed = condition.Kind switch
            {
                WriteConditionKind.IfAbsent => !exists,
                WriteConditionKind.IfMatch => exists && current!.ETag == condition.ETag,
                _ => true,
            };
            if (!allowed)
            {
                return Task.FromResult<string?>(null);
            }

            var etag = $"v{++_version}";
            _documents[key] = new StoredDocument(content.ToArray(), etag);
            _written.Add(key);
            Writes++;
            return LoseAnswerOfWrite?.Invoke(key) == true
                ? Task.FromException<string?>(new StorageUnavailableException($"Writing '{key}': the answer was lost."))
                : Task.FromResult<string?>(etag);
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_documents)
        {
            return Task.FromResult(_documents.Remove(key));
        }
    }

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        string[] keys;
        lock (_documents)
        {
            keys =
            [
                .. _documents
                    .Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal),
            ];
        }

        foreach (var key in keys)
        {
            await Task.Yield();
            yield return key;
        }
    }

    public Task CheckReachableAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
