using System.Globalization;
using System.Text.Json;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// Cases (<c>handoff/cases/{caseId}</c>) and the index of open ones (<c>handoff/open/{caseId}</c>).
/// A case id starts with the time it was queued, so the open index lists in queue order. The index
/// is written before the conversation is saved and removed after it is released, so it may name a
/// case that is over (read through <see cref="ListOpenAsync"/>, which skips those), never miss one.
/// </summary>
internal sealed class HandoffCaseStore(IDocumentStore store)
{
    /// <summary>Sorts by time first: the millisecond, then who.</summary>
    public static string NewCaseId(ConversationReference customer, DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture);
        return $"{milliseconds}.{customer.Channel}.{customer.UserId}";
    }

    public static bool IsValidId(string caseId) =>
        caseId.Length is > 16 and <= 200 && caseId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Opens a case (once: a retry of the turn that opened it finds it there).</summary>
    public async Task OpenAsync(HandoffCase handoffCase, CancellationToken cancellationToken)
    {
        await store.TryWriteAsync(
            OpenKey(handoffCase.CaseId),
            ReadOnlyMemory<byte>.Empty,
            WriteCondition.IfAbsent,
            cancellationToken
        );
        await store.TryWriteAsync(
            Key(handoffCase.CaseId),
            JsonSerializer.SerializeToUtf8Bytes(handoffCase, HandoffJsonContext.Default.HandoffCase),
            WriteCondition.IfAbsent,
            cancellationToken
        );
    }

    public async Task<HandoffCase?> GetAsync(string caseId, CancellationToken cancellationToken) =>
        IsValidId(caseId) && await store.ReadAsync(Key(caseId), cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, HandoffJsonContext.Default.HandoffCase)
            : null;

    /// <summary>
    /// Changes a case under optimistic concurrency; null from <paramref name="change"/> writes nothing. Returns the
    /// case after.
    /// </summary>
    public async Task<HandoffCase?> UpdateAsync(
        string caseId,
        Func<HandoffCase, HandoffCase?> change,
        CancellationToken cancellationToken
    )
    {
        var (_, after) = await store.UpdateAsync(
            Key(caseId),
            HandoffJsonContext.Default.HandoffCase,
            current => current is null ? null : change(current),
            cancellationToken
        );
        if (after is { State: CaseState.Closed })
        {
            await store.DeleteAsync(OpenKey(caseId), cancellationToken);
        }

        return after;
    }

    /// <summary>Open cases in queue order (oldest first); an index entry whose case is over is cleaned up.</summary>
    /// <summary>Erases a case and its place in the open index.</summary>
    public async Task DeleteAsync(string caseId, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(OpenKey(caseId), cancellationToken);
        await store.DeleteAsync(Key(caseId), cancellationToken);
    }

    public async Task<IReadOnlyList<HandoffCase>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var open = new List<HandoffCase>();
        await foreach (var key in store.ListKeysAsync("handoff/open/", cancellationToken))
        {
            var caseId = key["handoff/open/".Length..];
            switch (await GetAsync(caseId, cancellationToken))
            {
                case { State: not CaseState.Closed } found:
                    open.Add(found);
                    break;
                case { State: CaseState.Closed }:
                    await store.DeleteAsync(key, cancellationToken);
                    break;
            }
        }

        return open;
    }

    private static string Key(string caseId) => StorageKey.Join("handoff", "cases", caseId);

    private static string OpenKey(string caseId) => StorageKey.Join("handoff", "open", caseId);
}
