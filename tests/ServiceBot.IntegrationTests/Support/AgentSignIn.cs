using System.Net;
using System.Text.RegularExpressions;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>Signs an agent in to a running bot through its sign-in form (anti-forgery token and all).</summary>
internal static partial class AgentSignIn
{
    public static async Task SignInAsync(
        Uri bot,
        CookieContainer cookies,
        string name,
        string password,
        CancellationToken cancellationToken
    )
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = bot,
        };
        var form = await http.GetStringAsync("/agent/login", cancellationToken);
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, form);
        using var signIn = await http.PostAsync(
            "/agent/login",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    [token.Groups["name"].Value] = token.Groups["value"].Value,
                    ["name"] = name,
                    ["password"] = password,
                }
            ),
            cancellationToken
        );
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/agent", signIn.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
