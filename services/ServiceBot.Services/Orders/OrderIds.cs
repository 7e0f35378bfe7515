using System.Text.RegularExpressions;

namespace ServiceBot.Services.Orders;

/// <summary>What an order id looks like, and how to spot one in free text ("查订单 A1001").</summary>
internal static partial class OrderIds
{
    public const int MaxLength = 64;

    public static bool IsValid(string? orderId) =>
        orderId is { Length: > 0 and <= MaxLength }
        && orderId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Tokens of 4+ letters/digits/dashes that contain a digit, in order of appearance.</summary>
    public static IReadOnlyList<string> FindIn(string? text) =>
        text is null
            ? []
            : [.. Candidate().Matches(text).Select(m => m.Value).Where(v => v.Any(char.IsAsciiDigit)).Distinct()];

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])[A-Za-z0-9][A-Za-z0-9_-]{3,63}(?![A-Za-z0-9_-])")]
    private static partial Regex Candidate();
}
