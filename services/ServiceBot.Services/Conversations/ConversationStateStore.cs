using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Conversations;

/// <summary>Loads and saves <see cref="ConversationRecord"/>s, one document per conversation.</summary>
internal sealed class ConversationStateStore(IDocumentStore store)
{
    public async Task<LoadedConversation> LoadAsync(
        ConversationReference conversation,
        CancellationToken cancellationToken
    )
    {
        var document = await store.ReadAsync(KeyOf(conversation), cancellationToken);
        if (document is null)
        {
            return LoadedConversation.New();
        }

        return Parse(conversation, document);
    }

    /// <summary>Loads many conversations at once (bulk work such as a campaign preview), in the order given.</summary>
    public async Task<IReadOnlyList<LoadedConversation>> LoadManyAsync(
        IReadOnlyList<ConversationReference> conversations,
        CancellationToken cancellationToken
    )
    {
        var documents = await store.ReadManyAsync([.. conversations.Select(KeyOf)], cancellationToken);
        return [.. conversations.Select((conversation, i) => Parse(conversation, documents[i]))];
    }

    private static LoadedConversation Parse(ConversationReference conversation, StoredDocument? document)
    {
        if (document is null)
        {
            return LoadedConversation.New();
        }

        var record = JsonSerializer.Deserialize(document.Content.Span, ConversationJsonContext.Stored)
            ?? throw new InvalidDataException($"Conversation {conversation} is stored as null.");
        if (record.SchemaVersion > ConversationRecord.CurrentSchemaVersion)
        {
            throw new InvalidDataException(
                $"Conversation {conversation} has schema version {record.SchemaVersion}; this build reads "
                    + $"up to {ConversationRecord.CurrentSchemaVersion}."
            );
        }

        return new LoadedConversation(record, document.ETag);
    }

    /// <summary>
    /// Saves if nobody saved since <paramref name="etag"/>; returns the new ETag or null on conflict.
    /// </summary>
    public Task<string?> TrySaveAsync(
        ConversationReference conversation,
        ConversationRecord record,
        string? etag,
        CancellationToken cancellationToken
    )
    {
        record.SchemaVersion = ConversationRecord.CurrentSchemaVersion;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, ConversationJsonContext.Stored);
        return store.TryWriteAsync(KeyOf(conversation), bytes, WriteCondition.Expect(etag), cancellationToken);
    }

    /// <summary>
    /// Changes a conversation outside a turn (a notice spending a one-time consent): read, change,
    /// save if nobody saved in between, else again. A turn that lost the race re-runs on the result.
    /// Returns false, writing nothing, when <paramref name="change"/> does.
    /// </summary>
    public async Task<bool> UpdateAsync(
        ConversationReference conversation,
        Func<ConversationRecord, bool> change,
        CancellationToken cancellationToken
    )
    {
        for (var attempt = 0; attempt < DocumentStoreExtensions.MaxUpdateAttempts; attempt++)
        {
            var loaded = await LoadAsync(conversation, cancellationToken);
            if (!change(loaded.Record))
            {
                return false;
            }

            if (await TrySaveAsync(conversation, loaded.Record, loaded.ETag, cancellationToken) is not null)
            {
                return true;
            }
        }

        throw new StorageConflictException($"Conversation {conversation} kept changing; gave up.");
    }

    /// <summary>Forgets the conversation (its state, consents and history); false when there was none.</summary>
    public Task<bool> DeleteAsync(ConversationReference conversation, CancellationToken cancellationToken) =>
        store.DeleteAsync(KeyOf(conversation), cancellationToken);

    internal static string KeyOf(ConversationReference conversation) =>
        StorageKey.Join("conversations", conversation.Channel, conversation.UserId);
}

internal sealed record LoadedConversation(ConversationRecord Record, string? ETag)
{
    /// <summary>A conversation never stored: a fresh record, created on its first save.</summary>
    public static LoadedConversation New() => new(new ConversationRecord(), null);
}
