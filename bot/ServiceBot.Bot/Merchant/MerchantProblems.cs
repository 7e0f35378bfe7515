using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ServiceBot.Bot.Merchant;

/// <summary>How the merchant APIs read a JSON body and refuse a bad one: 400, naming the field.</summary>
internal static class MerchantProblems
{
    public static IResult Invalid(string field, string problem) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field} {problem}"] });

    /// <summary>Reads the body; a malformed one or a wrong type answers the 400 naming where it went wrong.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(
        HttpRequest request,
        JsonTypeInfo<T> type,
        CancellationToken cancellationToken
    )
        where T : class
    {
        try
        {
            var body = await request.ReadFromJsonAsync(type, cancellationToken);
            return body is null ? (null, Invalid("body", "is required.")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (
                null,
                Invalid(field, "is not valid here: " + (e.InnerException?.Message ?? "wrong type or malformed JSON."))
            );
        }
    }
}
