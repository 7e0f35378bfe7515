namespace ServiceBot.Services.Storage;

/// <summary>
/// The one storage seam: named byte documents with ETags. Purpose-named stores
/// (the conversation state, photo and ledger stores)
/// sit on top of it; providers are the embedded log-structured store and Azure Blob Storage.
/// </summary>
// Public, with the types of its signature: the tests' store contract runs against every implementation.
public interface IDocumentStore
{
    /// <summary>Reads a document, or <c>null</c> when there is none.</summary>
    Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Reads many documents, each as <see cref="ReadAsync"/> would, in the order of the keys: for
    /// bulk work (a campaign preview) a store can do it at a lower cost a document.
    /// </summary>
    async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(
        IReadOnlyList<string> keys,
        CancellationToken cancellationToken
    )
    {
        var documents = new StoredDocument?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            documents[i] = await ReadAsync(keys[i], cancellationToken);
        }

        return documents;
    }

    /// <summary>
    /// Writes a document if <paramref name="condition"/> holds, atomically with the check.
    /// Returns the new ETag, or <c>null</c> when the condition failed: the document already
    /// existed (<see cref="WriteCondition.IfAbsent"/>) or changed since it was read
    /// (<see cref="WriteCondition.IfMatch"/>).
    /// </summary>
    Task<string?> TryWriteAsync(
        string key,
        ReadOnlyMemory<byte> content,
        WriteCondition condition,
        CancellationToken cancellationToken
    );

    /// <summary>Deletes a document; <c>false</c> when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListKeysAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="StorageUnavailableException"/> when the store cannot be reached.</summary>
    Task CheckReachableAsync(CancellationToken cancellationToken);
}

/// <summary>A document's bytes and the ETag to pass back in <see cref="WriteCondition.IfMatch"/>.</summary>
public sealed record StoredDocument(ReadOnlyMemory<byte> Content, string ETag);
