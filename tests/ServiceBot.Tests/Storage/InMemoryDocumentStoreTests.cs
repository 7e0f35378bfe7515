using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Storage;

/// <summary>The fake used by conversation scripts keeps the same promises as the real stores.</summary>
public sealed class InMemoryDocumentStoreTests : DocumentStoreContract
{
    protected override IDocumentStore Store { get; } = new InMemoryDocumentStore();
}
