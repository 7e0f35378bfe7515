using Microsoft.Extensions.Options;
using ServiceBot.Bot;
using ServiceBot.Bot.Agents;
using ServiceBot.Bot.Channels;
using ServiceBot.Bot.Couriers;
using ServiceBot.Bot.Demo;
using ServiceBot.Bot.Merchant;
using ServiceBot.Bot.Operations;
using ServiceBot.Bot.ScaleOut;
using ServiceBot.Services.Campaigns;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Help;
using ServiceBot.Services.Insights;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Notifications;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Privacy;
using ServiceBot.Services.Returns;
using ServiceBot.Services.Scheduling;
using ServiceBot.Services.Shipments;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Webhooks;

// `dotnet ServiceBot.Bot.dll hash-password` reads a password from standard input and prints the
// hash to put in Agents:Users:<name>:PasswordHash (the password itself is never configured). Never
// from the command line, where it would stay in the shell's history and the process list.
if (args is ["hash-password", ..])
{
    var password = args.Length == 1 ? Console.In.ReadLine() : null;
    if (string.IsNullOrEmpty(password))
    {
        await Console.Error.WriteLineAsync("usage: echo '<password>' | dotnet ServiceBot.Bot.dll hash-password");
        return 2;
    }

    Console.WriteLine(AgentAccounts.Hash(password));
    return 0;
}

// `dotnet ServiceBot.Bot.dll store verify|repair|backup <dir>|restore <dir>`: the local store's tools.
if (args is ["store", ..])
{
    return await StoreCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

// ASP.NET Core's request log writes each URL whole, and WeChat's signed query string would let
// whoever reads the log replay it: that category never logs below Warning, whatever is configured.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.Default);
builder.AddManagementUrls();

// The kernel and what it stands on.
builder.Services.AddStorage();
builder.Services.AddScheduling(builder.Configuration);
builder.Services.AddConversations();
builder.Services.AddDelivery();

// What the bot does for customers.
builder.Services.AddMainMenu();
builder.Services.AddOrders();
builder.Services.AddShipmentTracking();
builder.Services.AddNotices();
builder.Services.AddNotificationSettings();
builder.Services.AddCampaigns();
builder.Services.AddWebhooks();
builder.Services.AddUsageHelp();
builder.Services.AddCustomerPhotos();
builder.Services.AddReturns();
builder.Services.AddHandoff();
builder.Services.AddCallbacks();
builder.Services.AddPrivacy();
builder.Services.AddInsights();

// The host: channels, the people's faces, operations.
builder.Services.AddChannels();
builder.Services.AddMerchantApi();
builder.Services.AddApiDescription();
builder.Services.AddCourierWebhook();
builder.Services.AddAgentConsole(builder.Configuration);
builder.Services.AddDemo();
builder.Services.AddTelemetry(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddScaleOut(builder.Configuration);

try
{
    var app = builder.Build();
    // Validate settings before the host starts, so a bad value ends start-up with one clear line.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.UseScaleOut(app.Configuration);
    app.UseSecurityHeaders();
    app.UseTelemetry(app.Configuration);
    app.UseOutageResponses();
    app.UseDefaultFiles();
    app.UseStaticFiles();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseAntiforgery();
    app.UseRateLimiter();
    app.MapChannels();
    app.MapMerchantApi();
    app.MapApiDescription();
    app.MapCourierWebhook();
    app.MapOperations();
    app.MapAgentConsole();
    WelcomeBlock.LogWhenStarted(app);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.Report(e) > 0)
{
    return 1;
}

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
