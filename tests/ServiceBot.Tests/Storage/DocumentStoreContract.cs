using System.Text;
using ServiceBot.Services.Storage;

namespace ServiceBot.Tests.Storage;

/// <summary>
/// What every <see cref="IDocumentStore"/> promises. One suite, run against each provider
/// (the in-memory fake, the log-structured local store, and Azure Blob on a real Azurite).
/// </summary>
public abstract class DocumentStoreContract
{
    protected abstract IDocumentStore Store { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string?> ReadText(string key) =>
        await Store.ReadAsync(key, Ct) is { } document ? Encoding.UTF8.GetString(document.Content.Span) : null;

    [Fact]
    public async Task Read_Missing_IsNull() => Assert.Null(await Store.ReadAsync("contract/missing", Ct));

    [Fact]
    public async Task ReadMany_GivesEachDocumentInTheOrderAsked_NullWhereMissing()
    {
        var a = await Store.TryWriteAsync("contract/many/a", Bytes("A"), WriteCondition.None, Ct);
        var c = await Store.TryWriteAsync("contract/many/c", Bytes("C"), WriteCondition.None, Ct);

        var documents = await Store.ReadManyAsync(
            ["contract/many/c", "contract/many/b", "contract/many/a", "contract/many/c"],
            Ct
        );

        Assert.Equal(
            ["C", null, "A", "C"],
            documents.Select(d => d is null ? null : System.Text.Encoding.UTF8.GetString(d.Content.Span))
        );
        Assert.Equal([c, null, a, c], documents.Select(d => d?.ETag));
        Assert.Empty(await Store.ReadManyAsync([], Ct));
    }

    [Fact]
    public async Task CreateIfAbsent_SecondTime_FailsAndKeepsTheFirst()
    {
        var first = await Store.TryWriteAsync("contract/claim", Bytes("first"), WriteCondition.IfAbsent, Ct);
        var second = await Store.TryWriteAsync("contract/claim", Bytes("second"), WriteCondition.IfAbsent, Ct);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", await ReadText("contract/claim"));
        Assert.Equal(first, (await Store.ReadAsync("contract/claim", Ct))!.ETag);
    }

    [Fact]
    public async Task IfMatch_CurrentETag_Writes_StaleETag_Fails()
    {
        var v1 = await Store.TryWriteAsync("contract/doc", Bytes("v1"), WriteCondition.IfAbsent, Ct);
        var v2 = await Store.TryWriteAsync("contract/doc", Bytes("v2"), WriteCondition.IfMatch(v1!), Ct);
        var stale = await Store.TryWriteAsync("contract/doc", Bytes("lost"), WriteCondition.IfMatch(v1!), Ct);

        Assert.NotNull(v2);
        Assert.NotEqual(v1, v2);
        Assert.Null(stale);
        Assert.Equal("v2", await ReadText("contract/doc"));
    }

    [Fact]
    public async Task IfMatch_OnAMissingDocument_Fails() =>
        Assert.Null(
            await Store.TryWriteAsync(
                "contract/nothing",
                Bytes("x"),
                WriteCondition.IfMatch("\"0x8D0000000000000\""),
                Ct
            )
        );

    [Fact]
    public async Task IfMatch_AfterDeleteAndRecreate_OldETagFails()
    {
        var old = await Store.TryWriteAsync("contract/aba", Bytes("a"), WriteCondition.IfAbsent, Ct);
        await Store.DeleteAsync("contract/aba", Ct);
        await Store.TryWriteAsync("contract/aba", Bytes("b"), WriteCondition.IfAbsent, Ct);

        Assert.Null(await Store.TryWriteAsync("contract/aba", Bytes("c"), WriteCondition.IfMatch(old!), Ct));
        Assert.Equal("b", await ReadText("contract/aba"));
    }

    [Fact]
    public async Task Unconditional_Overwrites()
    {
        await Store.TryWriteAsync("contract/free", Bytes("a"), WriteCondition.None, Ct);
        await Store.TryWriteAsync("contract/free", Bytes("b"), WriteCondition.None, Ct);

        Assert.Equal("b", await ReadText("contract/free"));
    }

    [Fact]
    public async Task Delete_RemovesOnce()
    {
        await Store.TryWriteAsync("contract/del", Bytes("x"), WriteCondition.None, Ct);

        Assert.True(await Store.DeleteAsync("contract/del", Ct));
        Assert.False(await Store.DeleteAsync("contract/del", Ct));
        Assert.Null(await Store.ReadAsync("contract/del", Ct));
    }

    [Fact]
    public async Task ListKeys_ByPrefix_InOrder_WithoutWildcards()
    {
        foreach (var key in new[] { "list/a_2", "list/a_1", "list/ab", "list/b", "lists/x" })
        {
            await Store.TryWriteAsync(key, Bytes(key), WriteCondition.None, Ct);
        }

        var keys = new List<string>();
        await foreach (var key in Store.ListKeysAsync("list/a_", Ct))
        {
            keys.Add(key);
        }

        Assert.Equal(["list/a_1", "list/a_2"], keys);
    }

    [Fact]
    public async Task Content_EveryByteValueAndAMegabyte_RoundTrip()
    {
        var content = new byte[1024 * 1024];
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = (byte)(i * 31 % 256);
        }

        await Store.TryWriteAsync("contract/photo.jpg", content, WriteCondition.IfAbsent, Ct);

        Assert.Equal(content, (await Store.ReadAsync("contract/photo.jpg", Ct))!.Content.ToArray());
    }

    [Fact]
    public async Task ConcurrentClaims_ExactlyOneWins()
    {
        var claims = await Task.WhenAll(
            Enumerable
                .Range(0, 16)
                .Select(i => Store.TryWriteAsync("contract/once", Bytes($"claimant {i}"), WriteCondition.IfAbsent, Ct))
        );

        Assert.Single(claims, c => c is not null);
    }

    [Fact]
    public async Task RacingReadModifyWrite_LosesNoUpdate()
    {
        const int Workers = 6;
        const int IncrementsEach = 10;
        await Store.TryWriteAsync("contract/counter", Bytes("0"), WriteCondition.IfAbsent, Ct);

        await Task.WhenAll(
            Enumerable
                .Range(0, Workers)
                .Select(_ =>
                    Task.Run(
                        async () =>
                        {
                            for (var done = 0; done < IncrementsEach; )
                            {
                                var current = (await Store.ReadAsync("contract/counter", Ct))!;
                                var value = int.Parse(
                                    Encoding.UTF8.GetString(current.Content.Span),
                                    System.Globalization.CultureInfo.InvariantCulture
                                );
                                var next = Bytes(
                                    (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
                                );
                                if (
                                    await Store.TryWriteAsync(
                                        "contract/counter",
                                        next,
                                        WriteCondition.IfMatch(current.ETag),
                                        Ct
                                    )
                                    is not null
                                )
                                {
                                    done++;
                                }
                            }
                        },
                        Ct
                    )
                )
        );

        Assert.Equal(
            (Workers * IncrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture),
            await ReadText("contract/counter")
        );
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("a/../b")]
    [InlineData("a b")]
    [InlineData("a//b")]
    public async Task InvalidKey_IsRefused(string key) =>
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAsync(key, Ct));

    [Fact]
    public async Task CheckReachable_Passes() => await Store.CheckReachableAsync(Ct);
}
