using System.Runtime.CompilerServices;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bench;

/// <summary>
/// The alternative the local store was measured against: one file per document, written to a
/// temp file and renamed over the old one (crash-safe), ETag = a version kept in a side file.
/// Conditional writes hold a per-key lock; good enough for a single-process measurement.
/// </summary>
internal sealed class FileDocumentStore(string root) : IDocumentStore
{
    private readonly Lock[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new Lock())];

    public Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult<StoredDocument?>(null);
        }

        var bytes = File.ReadAllBytes(path);
        var etag = BitConverter.ToInt64(bytes, 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult<StoredDocument?>(new StoredDocument(bytes.AsMemory(8), etag));
    }

    public Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    )
    {
        var path = PathOf(key);
        lock (_stripes[(key.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) % _stripes.Length])
        {
            long version = 0;
            if (File.Exists(path))
            {
                using var existing = File.OpenRead(path);
                Span<byte> head = stackalloc byte[8];
                existing.ReadExactly(head);
                version = BitConverter.ToInt64(head);
            }

            var ok = condition.Kind switch
            {
                WriteConditionKind.IfAbsent => version == 0,
                WriteConditionKind.IfMatch => version.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    == condition.ETag,
                _ => true,
            };
            if (!ok)
            {
                return Task.FromResult<string?>(null);
            }

            var temp = path + ".tmp";
            using (var file = File.Create(temp))
            {
                file.Write(BitConverter.GetBytes(version + 1));
                file.Write(content.Span);
            }

            File.Move(temp, path, overwrite: true);
            return Task.FromResult<string?>((version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async IAsyncEnumerable<string> ListKeysAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task CheckReachableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string PathOf(string key) => Path.Combine(root, key.Replace('/', '_'));
}
