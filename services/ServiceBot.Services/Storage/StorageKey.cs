namespace ServiceBot.Services.Storage;

/// <summary>Keys are slash-separated paths of safe characters, the same on every provider.</summary>
internal static class StorageKey
{
    public const int MaxLength = 512;

    public static void Validate(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (
            key.Length > MaxLength
            || key[0] == '/'
            || key[^1] == '/'
            || key.Contains("//", StringComparison.Ordinal)
            || key.Contains("..", StringComparison.Ordinal)
        )
        {
            throw new ArgumentException($"Storage key is not a valid path: '{key}'.", nameof(key));
        }

        foreach (var c in key)
        {
            if (!IsAllowed(c))
            {
                throw new ArgumentException($"Storage key has a character that is not allowed: '{key}'.", nameof(key));
            }
        }
    }

    /// <summary>Joins segments, checking that none smuggles a separator or a dot-dot.</summary>
    public static string Join(params ReadOnlySpan<string> segments)
    {
        foreach (var segment in segments)
        {
            if (string.IsNullOrEmpty(segment) || segment.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Storage key segment is empty or contains '/': '{segment}'.",
                    nameof(segments)
                );
            }
        }

        var key = string.Join('/', segments.ToArray());
        Validate(key);
        return key;
    }

    /// <summary>
    /// True when <paramref name="segment"/> can stand as one segment of a key as it is (no '/', no "..",
    /// allowed characters).
    /// </summary>
    public static bool IsSafeSegment(string segment) =>
        segment.Length is > 0 and <= 200
        && !segment.Contains("..", StringComparison.Ordinal)
        && segment.All(c => c != '/' && IsAllowed(c));

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or '=' or '@' or ':';
}
