using Microsoft.Extensions.Options;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Services.Storage;

internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Local;

    /// <summary>
    /// Root folder of the local provider: the document store (state, photos, keys), scheduler database.
    /// </summary>
    public string Path { get; set; } = "./data";

    /// <summary>
    /// When the local store acknowledges a write: <c>Synced</c> (on the disk: survives a power cut) or
    /// <c>Written</c> (handed to the operating system: survives the process; a power cut may lose the last second).
    /// </summary>
    public LocalDurability Durability { get; set; } = LocalDurability.Synced;

    /// <summary>
    /// Memory the local store may hold documents in; past it, those used longest ago are read from
    /// their file when asked for again. The index itself (about 150 bytes a document) is apart.
    /// </summary>
    public int CacheMegabytes { get; set; } = (int)(LogDocumentStore.DefaultCacheBytes / (1024 * 1024));

    /// <summary>Azure Storage connection string for <see cref="StorageProvider.AzureBlob"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob container that holds every document.</summary>
    public string Container { get; set; } = "servicebot";

    /// <summary>The local provider's log store (<see cref="LogDocumentStore"/>), as an absolute path.</summary>
    public string LocalStorePath => System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "documents"));

    /// <summary>The SQLite file that builds before the log store kept documents in; imported once if found.</summary>
    public string LegacyDatabasePath => System.IO.Path.Combine(Path, "servicebot.db");
}

internal enum StorageProvider
{
    Local,
    AzureBlob,
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add("Storage:Provider must be Local or AzureBlob.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add("Storage:Durability must be Synced or Written.");
        }

        if (options.CacheMegabytes < 1)
        {
            failures.Add("Storage:CacheMegabytes must be at least 1.");
        }

        if (options.Provider == StorageProvider.Local && string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add("Storage:Path is required when Storage:Provider is Local.");
        }

        if (options.Provider == StorageProvider.AzureBlob && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Storage:ConnectionString is required when Storage:Provider is AzureBlob.");
        }

        if (
            string.IsNullOrWhiteSpace(options.Container)
            || options.Container.Length is < 3 or > 63
            || !options.Container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        )
        {
            failures.Add("Storage:Container must be 3-63 lowercase letters, digits or '-'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
