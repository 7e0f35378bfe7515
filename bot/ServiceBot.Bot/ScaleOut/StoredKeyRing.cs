using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using ServiceBot.Services.Storage;

namespace ServiceBot.Bot.ScaleOut;

/// <summary>
/// ASP.NET Core's data-protection key ring kept in the document store (<c>data-protection/…</c>):
/// what signs agents' sign-in cookies and anti-forgery tokens. Every instance on one store reads
/// the same keys, so an agent signed in through one instance is signed in on all of them, and a
/// restart (a new container) signs nobody out. (Azure's blob key-ring package is not in our package
/// source; this is the same idea over the store both providers already share.)
/// </summary>
internal sealed class StoredKeyRing(IDocumentStore store) : IXmlRepository
{
    private const string Prefix = "data-protection/";

    // IXmlRepository is synchronous by ASP.NET Core's design and the store is asynchronous: the call
    // is made on the thread pool and waited for. Data protection caches the key ring and calls this
    // at start and about once a day (and on creating a key), never per request.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        Task.Run(async () =>
            {
                var elements = new List<XElement>();
                await foreach (var key in store.ListKeysAsync(Prefix, CancellationToken.None))
                {
                    if (await store.ReadAsync(key, CancellationToken.None) is { } document)
                    {
                        using var stream = new MemoryStream(document.Content.ToArray());
                        elements.Add(XElement.Load(stream));
                    }
                }

                return (IReadOnlyCollection<XElement>)elements;
            })
            .GetAwaiter()
            .GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        var name =
            friendlyName is { Length: > 0 and <= 100 }
            && friendlyName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                ? friendlyName
                : Guid.NewGuid().ToString("N");
        using var stream = new MemoryStream();
        element.Save(stream, SaveOptions.DisableFormatting);
        var content = stream.ToArray();
        // Each key is written once under its own name: two instances creating keys at once both keep theirs.
        Task.Run(() =>
                store.TryWriteAsync(
                    StorageKey.Join("data-protection", name),
                    content,
                    WriteCondition.IfAbsent,
                    CancellationToken.None
                )
            )
            .GetAwaiter()
            .GetResult();
    }
}
