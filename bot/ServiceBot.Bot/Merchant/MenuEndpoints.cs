using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceBot.Bot.Channels.WeChat.Api;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.Merchant;

/// <summary>A custom-menu button, in WeChat's own menu JSON.</summary>
internal sealed record MenuButton(
    string? Type,
    string? Name,
    string? Key,
    string? Url,
    [property: JsonPropertyName("sub_button")] IReadOnlyList<MenuButton>? SubButton
);

internal sealed record WeChatMenu([property: JsonPropertyName("button")] IReadOnlyList<MenuButton>? Button);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(WeChatMenu))]
internal sealed partial class MenuJsonContext : JsonSerializerContext;

/// <summary>
/// <c>PUT/GET /api/menu</c>: the official account's custom menu. Once a server URL is set, the menu
/// in WeChat's admin panel no longer applies, so the merchant sets it here: checked against WeChat's
/// rules and against the keys the dialogs understand (a click nobody answers is refused), sent with
/// <c>menu/create</c>, and kept as set.
/// </summary>
internal static class MenuEndpoints
{
    private const string Key = "menu/current";

    public static RouteGroupBuilder MapMenu(this RouteGroupBuilder merchant)
    {
        merchant.MapPut("/menu", PutAsync);
        merchant.MapGet("/menu", async (IDocumentStore store, CancellationToken ct) =>
            await store.ReadAsync(Key, ct) is { } stored
                ? Results.Text(Encoding.UTF8.GetString(stored.Content.Span), "application/json; charset=utf-8")
                : Results.NotFound()
        );
        return merchant;
    }

    private static async Task<IResult> PutAsync(
        HttpRequest request,
        IEnumerable<ITopic> topics,
        WeChatAccountApi wechat,
        IDocumentStore store,
        CancellationToken ct
    )
    {
        var (menu, problem) = await MerchantProblems.ReadAsync(request, MenuJsonContext.Default.WeChatMenu, ct);
        if (menu is null)
        {
            return problem!;
        }

        var keys = topics.Select(t => t.MenuKey).Append("AGENT").ToHashSet(StringComparer.Ordinal);
        if (Check(menu, keys) is { } bad)
        {
            return MerchantProblems.Invalid(bad.Field, bad.Problem);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(menu, MenuJsonContext.Default.WeChatMenu);
        var result = await wechat.CreateMenuAsync(json, ct);
        if (!result.IsOk)
        {
            return Results.Problem(
                $"WeChat did not take the menu: {result.Status} ({result.ErrCode} {result.ErrMsg}).",
                statusCode: StatusCodes.Status502BadGateway
            );
        }

        await store.TryWriteAsync(Key, json, WriteCondition.None, ct);
        return Results.Bytes(json, "application/json; charset=utf-8");
    }

    // WeChat's rules: 1-3 buttons of at most 16 bytes, each with up to 5 sub-buttons of at most 60 bytes;
    // a button is a click (with a key a dialog answers), a view (an https or http link), or a parent.
    private static (string Field, string Problem)? Check(WeChatMenu menu, IReadOnlySet<string> keys)
    {
        if (menu.Button is not { Count: >= 1 and <= 3 } buttons)
        {
            return ("button", "must hold 1 to 3 buttons.");
        }

        for (var i = 0; i < buttons.Count; i++)
        {
            var field = $"button[{i}]";
            if (buttons[i].SubButton is { } subs)
            {
                if (subs.Count is < 1 or > 5)
                {
                    return ($"{field}.sub_button", "must hold 1 to 5 buttons.");
                }

                if (Name(buttons[i], 16, field) is { } badName)
                {
                    return badName;
                }

                for (var j = 0; j < subs.Count; j++)
                {
                    if (Leaf(subs[j], 60, $"{field}.sub_button[{j}]", keys) is { } bad)
                    {
                        return bad;
                    }
                }
            }
            else if (Leaf(buttons[i], 16, field, keys) is { } bad)
            {
                return bad;
            }
        }

        return null;
    }

    private static (string, string)? Leaf(
        MenuButton button,
        int maxNameBytes,
        string field,
        IReadOnlySet<string> keys
    ) =>
        Name(button, maxNameBytes, field)
        ?? button switch
        {
            { Type: "click", Key: { } key } when keys.Contains(key) => null,
            { Type: "click" } => ($"{field}.key", $"must be one the bot answers: {string.Join(", ", keys.Order())}."),
            { Type: "view", Url: { } url }
                when url.Length <= 1024
                    && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                    && uri.Scheme is "https" or "http" => null,
            { Type: "view" } => ($"{field}.url", "must be an http(s) link of at most 1024 characters."),
            _ => ($"{field}.type", "must be \"click\" or \"view\" (or give sub_button)."),
        };

    private static (string, string)? Name(MenuButton button, int maxBytes, string field) =>
        button.Name is { Length: > 0 } name && Encoding.UTF8.GetByteCount(name) <= maxBytes
            ? null
            : ($"{field}.name", $"is required, at most {maxBytes} bytes (a Chinese character is 3).");
}
