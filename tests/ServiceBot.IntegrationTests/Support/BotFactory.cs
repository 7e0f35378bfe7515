using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// The real bot host (Program) in memory, with its own storage folder, settings for the test and
/// the DI container validated (ValidateOnBuild, ValidateScopes).
/// </summary>
public sealed class BotFactory : WebApplicationFactory<Program>
{
    public const string Token = "testtoken";
    public const string AppId = "wxtestapp";
    public const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    /// <summary>Base64 of 32 bytes: encrypts the key ring in the store, as production requires.</summary>
    public const string KeyRingKey = "c2VydmljZWJvdC10ZXN0LWtleS1yaW5nLWtleS0zMiE=";

    private readonly string? _sharedStoragePath;
    private readonly string _storagePath;

    public BotFactory(string? storagePath = null)
    {
        _sharedStoragePath = storagePath;
        _storagePath = storagePath ?? Directory.CreateTempSubdirectory("servicebot-it-").FullName;
        Settings = new Dictionary<string, string?>
        {
            ["WeChat:AppId"] = AppId,
            ["WeChat:Token"] = Token,
            ["WeChat:EncodingAESKey"] = AesKey,
            ["WeChat:AppSecret"] = "standin-secret",
            ["ScaleOut:KeyRingKey"] = KeyRingKey,
            ["Storage:Path"] = _storagePath,

            // Every test client is one source ("unknown" on the test server): limits are tested on their own.
            ["RateLimits:WebChatPerMinute"] = "100000",
            ["RateLimits:CourierPerMinute"] = "100000",
            ["RateLimits:AgentSignInPerMinute"] = "100000",
        };
    }

    public Dictionary<string, string?> Settings { get; }

    public Action<IServiceCollection>? TestServices { get; set; }

    public string StoragePath => _storagePath;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting reaches builder.Configuration before Program registers services (the scheduler
        // reads its store location then); ConfigureAppConfiguration only applies at Build().
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(services => TestServices?.Invoke(services));
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
    }

    // The host the factory built: its store is closed before the folder is deleted (below).
    private IHost? _host;
    private IDisposable? _store;

    protected override IHost CreateHost(IHostBuilder builder) => _host = base.CreateHost(builder);

    protected override void Dispose(bool disposing)
    {
        // The host is disposed twice, by the factory and by Program's RunAsync on its own thread, and
        // the second returns while the first may still be closing the store: closing it here as well
        // returns only once it is closed, so the folder is not deleted or copied under it.
        try
        {
            _store ??= disposing
                ? _host?.Services.GetService<ServiceBot.Services.Storage.IDocumentStore>() as IDisposable
                : null;
        }
        catch (Exception e)
            when (e is ServiceBot.Services.Storage.StorageUnavailableException or ObjectDisposedException)
        {
            // Never opened here (another instance has the folder), or already gone.
        }

        // The base disposes the host and calls this again (nested), which deletes the folder: the
        // store is closed first, in whichever call gets there.
        base.Dispose(disposing);
        _store?.Dispose();
        if (disposing && _sharedStoragePath is null && Directory.Exists(_storagePath))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_storagePath, recursive: true);
        }
    }
}
