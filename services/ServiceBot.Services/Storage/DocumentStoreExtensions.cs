using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Storage;

public static class DocumentStoreExtensions
{
    /// <summary>
    /// Every JSON document under <paramref name="prefix"/>, in key order, skipping any that
    /// vanished between listing and reading.
    /// </summary>
    public static async IAsyncEnumerable<(string Key, T Value)> ReadAllAsync<T>(
        this IDocumentStore store, string prefix, JsonTypeInfo<T> type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in store.ListKeysAsync(prefix, cancellationToken))
        {
            if (await store.ReadAsync(key, cancellationToken) is { } document
                && JsonSerializer.Deserialize(document.Content.Span, type) is { } value)
            {
                yield return (key, value);
            }
        }
    }
}
