using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>/metrics of an in-process bot, as a request arriving on its management port.</summary>
internal static class MetricsScrape
{
    public const int ManagementPort = 9464;

    /// <summary>Settings that serve /metrics on <see cref="ManagementPort"/>.</summary>
    public static BotFactory WithMetrics(this BotFactory bot)
    {
        bot.Settings["Operations:ManagementUrls"] = $"http://127.0.0.1:{ManagementPort}";
        return bot;
    }

    // The test server has no sockets of its own: the port is set on the request.
    public static Task<HttpContext> GetAsync(BotFactory bot, int port) =>
        bot.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/metrics";
            context.Connection.LocalPort = port;
        });

    public static async Task<string> TextAsync(BotFactory bot, CancellationToken cancellationToken)
    {
        var context = await GetAsync(bot, ManagementPort);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.StartsWith("text/plain", context.Response.ContentType, StringComparison.Ordinal);
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>The sum of a metric's samples whose labels contain the given one.</summary>
    public static double Sum(string scrape, string metric, string label) =>
        scrape
            .Split('\n')
            .Where(line =>
                line.StartsWith(metric + "{", StringComparison.Ordinal)
                && line.Contains(label, StringComparison.Ordinal)
            )
            .Sum(line =>
                double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            );
}
