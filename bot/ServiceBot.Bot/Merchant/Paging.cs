using System.Buffers.Text;
using System.Text;

namespace ServiceBot.Bot.Merchant;

/// <summary>
/// A list answers one page (<c>?limit=</c>, 100 unless asked, at most 500) and, when there is more, a
/// <c>Link: &lt;…?cursor=…&gt;; rel="next"</c> header (RFC 8288, as GitHub's API does): the body stays the
/// contract's array, so a client that never asks for a second page still works.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>
    /// The page after <paramref name="cursor"/> of a list already in the order of <paramref name="sortKey"/>
    /// (a value unique to each item, growing along the list), or a problem.
    /// </summary>
    public static (List<T>? Page, IResult? Problem) Take<T>(
        HttpContext http,
        IEnumerable<T> ordered,
        Func<T, string> sortKey,
        string? cursor,
        int? limit
    )
    {
        if (limit is < 1 or > MaxLimit)
        {
            return (null, MerchantProblems.Invalid("limit", $"must be 1 to {MaxLimit}."));
        }

        string? after = null;
        if (cursor is not null && (after = Decode(cursor)) is null)
        {
            return (null, MerchantProblems.Invalid("cursor", "is not a cursor this API gave."));
        }

        var size = limit ?? DefaultLimit;
        var page = ordered
            .Where(item => after is null || string.CompareOrdinal(sortKey(item), after) > 0)
            .Take(size + 1)
            .ToList();
        if (page.Count > size)
        {
            page.RemoveAt(size);
            http.Response.Headers.Link = $"<{NextUrl(http.Request, Encode(sortKey(page[^1])))}>; rel=\"next\"";
        }

        return (page, null);
    }

    private static string NextUrl(HttpRequest request, string cursor)
    {
        var query = request
            .Query.Where(q => q.Key is not "cursor")
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"cursor={cursor}");
        return $"{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }

    private static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static string? Decode(string cursor)
    {
        try
        {
            return cursor.Length <= 512 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
