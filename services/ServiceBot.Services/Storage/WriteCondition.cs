namespace ServiceBot.Services.Storage;

/// <summary>When a write may happen: always, only if absent, or only if unchanged since read.</summary>
public readonly record struct WriteCondition
{
    private WriteCondition(WriteConditionKind kind, string? etag) => (Kind, ETag) = (kind, etag);

    public WriteConditionKind Kind { get; }

    public string? ETag { get; }

    /// <summary>Last writer wins. Only for documents that nobody else updates.</summary>
    public static WriteCondition None { get; } = new(WriteConditionKind.None, null);

    /// <summary>Create-if-absent: the atomic claim behind every "exactly once".</summary>
    public static WriteCondition IfAbsent { get; } = new(WriteConditionKind.IfAbsent, null);

    /// <summary>Optimistic concurrency: only if the stored ETag is still <paramref name="etag"/>.</summary>
    public static WriteCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new(WriteConditionKind.IfMatch, etag);
    }

    /// <summary><see cref="IfMatch"/> when there is an ETag, <see cref="IfAbsent"/> when there is none.</summary>
    public static WriteCondition Expect(string? etag) => etag is null ? IfAbsent : IfMatch(etag);
}

public enum WriteConditionKind
{
    None,
    IfAbsent,
    IfMatch,
}
