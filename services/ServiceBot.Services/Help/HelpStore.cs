using System.Text.Json;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Help;

/// <summary>
/// Articles per product (<c>help/products/{sku}</c>) and a version document (<c>help/version</c>)
/// that every change bumps, so each instance knows when its search index is stale.
/// </summary>
internal sealed class HelpStore(IDocumentStore store)
{
    private const string VersionKey = "help/version";
    private const string Prefix = "help/products/";

    public async Task PutAsync(ProductHelp help, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(help, HelpJsonContext.Default.ProductHelp);
        await store.TryWriteAsync(Prefix + help.Sku, bytes, WriteCondition.None, cancellationToken);
        await store.TryWriteAsync(VersionKey, Guid.NewGuid().ToByteArray(), WriteCondition.None, cancellationToken);
    }

    /// <summary>Deletes a product's articles (every index goes stale); false when there were none.</summary>
    public async Task<bool> DeleteAsync(string sku, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(Prefix + sku, cancellationToken))
        {
            return false;
        }

        await store.TryWriteAsync(VersionKey, Guid.NewGuid().ToByteArray(), WriteCondition.None, cancellationToken);
        return true;
    }

    public async Task<ProductHelp?> GetAsync(string sku, CancellationToken cancellationToken) =>
        await store.ReadAsync(Prefix + sku, cancellationToken) is { } document
            ? JsonSerializer.Deserialize(document.Content.Span, HelpJsonContext.Default.ProductHelp)
            : null;

    /// <summary>The version's ETag; changes whenever any product's help changes.</summary>
    public async Task<string?> VersionAsync(CancellationToken cancellationToken) =>
        (await store.ReadAsync(VersionKey, cancellationToken))?.ETag;

    public async Task<IReadOnlyList<ProductHelp>> AllAsync(CancellationToken cancellationToken)
    {
        var all = new List<ProductHelp>();
        await foreach (
            var (_, product) in store.ReadAllAsync(Prefix, HelpJsonContext.Default.ProductHelp, cancellationToken)
        )
        {
            all.Add(product);
        }

        return all;
    }
}
