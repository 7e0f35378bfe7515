using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Services.Storage;

internal static class DocumentStoreExtensions
{
    internal const int MaxUpdateAttempts = 10;

    /// <summary>
    /// Read-modify-write of one JSON document under optimistic concurrency: reads it (null when
    /// absent), applies <paramref name="change"/>, and writes the result only if nobody wrote in
    /// between, otherwise starts again on the fresh copy. A change that returns null writes nothing.
    /// Returns the document before and after.
    /// </summary>
    public static async Task<(T? Before, T? After)> UpdateAsync<T>(
        this IDocumentStore store,
        string key,
        JsonTypeInfo<T> type,
        Func<T?, T?> change,
        CancellationToken cancellationToken
    )
        where T : class
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var document = await store.ReadAsync(key, cancellationToken);
            var before = document is null ? null : JsonSerializer.Deserialize(document.Content.Span, type);
            if (change(before) is not { } after)
            {
                return (before, before);
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(after, type);
            if (
                await store.TryWriteAsync(key, bytes, WriteCondition.Expect(document?.ETag), cancellationToken)
                is not null
            )
            {
                return (before, after);
            }
        }

        throw new StorageConflictException($"'{key}' kept changing; gave up after {MaxUpdateAttempts} attempts.");
    }

    /// <summary>A JSON document, or null when there is none.</summary>
    public static async Task<T?> ReadJsonAsync<T>(
        this IDocumentStore store,
        string key,
        JsonTypeInfo<T> type,
        CancellationToken cancellationToken
    )
        where T : class =>
        await store.ReadAsync(key, cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, type)
            : null;

    /// <summary>
    /// Every JSON document under <paramref name="prefix"/>, in key order, skipping any that
    /// vanished between listing and reading.
    /// </summary>
    public static async IAsyncEnumerable<(string Key, T Value)> ReadAllAsync<T>(
        this IDocumentStore store,
        string prefix,
        JsonTypeInfo<T> type,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await foreach (var key in store.ListKeysAsync(prefix, cancellationToken))
        {
            if (
                await store.ReadAsync(key, cancellationToken) is { } document
                && JsonSerializer.Deserialize(document.Content.Span, type) is { } value
            )
            {
                yield return (key, value);
            }
        }
    }
}
