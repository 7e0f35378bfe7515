using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ServiceBot.Bot.Agents;
using ServiceBot.Bot.Merchant;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot;

/// <summary>
/// Once the bot listens, one block that says where everything is: the web chat, the agent console (and
/// the Development sign-in while it is the shipped one), the API reference, the WeChat webhook, the data.
/// </summary>
internal static partial class WelcomeBlock
{
    public static void LogWhenStarted(WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var services = app.Services;
            var management = (services.GetRequiredService<IConfiguration>()["Operations:ManagementUrls"] ?? "").Split(
                ';',
                StringSplitOptions.RemoveEmptyEntries
            );
            var address = services
                .GetService<IServer>()
                ?.Features.Get<IServerAddressesFeature>()
                ?.Addresses.FirstOrDefault(a => !management.Contains(a, StringComparer.OrdinalIgnoreCase))
                ?.Replace("[::]", "localhost", StringComparison.Ordinal)
                .Replace("0.0.0.0", "localhost", StringComparison.Ordinal)
                .TrimEnd('/');
            if (address is null)
            {
                return; // the test server has no addresses
            }

            var demo =
                app.Environment.IsDevelopment()
                && services.GetRequiredService<AgentAccounts>().SignIn("demo", "demo") is not null
                    ? " (sign in as demo / demo, a supervisor)"
                    : "";
            var key = string.IsNullOrEmpty(services.GetRequiredService<IOptions<MerchantOptions>>().Value.ApiKey)
                ? " (set Merchant:ApiKey to use the merchant API)"
                : "";
            var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            Ready(
                services.GetRequiredService<ILoggerFactory>().CreateLogger("ServiceBot"),
                $"""
                ServiceBot is ready ({app.Environment.EnvironmentName}).
                  Web chat:       {address}/
                  Agent console:  {address}/agent{demo}
                  API reference:  {address}/openapi{key}
                  WeChat webhook: {address}/api/wechat
                  Data:           {(storage.Provider == StorageProvider.Local
                    ? Path.GetFullPath(storage.Path)
                    : $"Azure Blob, container {storage.Container}")}{(app.Environment.IsDevelopment()
                    ? "\n  Sign-in keys are unencrypted in Development; elsewhere ScaleOut:KeyRingKey encrypts them."
                    : "")}
                """
            );
        });

    [LoggerMessage(1, LogLevel.Information, "{Block}")]
    private static partial void Ready(ILogger logger, string block);
}
