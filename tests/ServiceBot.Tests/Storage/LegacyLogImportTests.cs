using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Tests.Storage;

/// <summary>A folder the format-0 log store wrote (before file headers) is carried over at the first start.</summary>
public sealed class LegacyLogImportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("servicebot-format0-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFormatZeroFolder_IsReplayedInOrder_IntoTheNewStore_AndKeptAside()
    {
        var folder = Path.Combine(_root, "documents");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(
            Path.Combine(folder, "00000001.log"),
            [.. Put("a", "first"), .. Put("b", "gone"), .. Put("a", "second"), .. Delete("b"), .. Put("c", "kept")]
        );

        var aside = LegacyLogImport.SetAside(folder);
        Assert.Equal(folder + ".format0", aside);
        using (var store = new LogDocumentStore(folder))
        {
            Assert.Equal(5, LegacyLogImport.Import(aside!, store, NullLogger.Instance));
        }

        using var reopened = new LogDocumentStore(folder);
        Assert.Equal("second"u8.ToArray(), (await reopened.ReadAsync("a", Ct))!.Content.ToArray());
        Assert.Null(await reopened.ReadAsync("b", Ct));
        Assert.Equal("kept"u8.ToArray(), (await reopened.ReadAsync("c", Ct))!.Content.ToArray());
        Assert.True(Directory.Exists(folder + ".format0.imported"));
        Assert.Null(LegacyLogImport.SetAside(folder));
    }

    [Fact]
    public async Task ACurrentStoreWhoseFirstHeaderIsDamaged_IsNotTakenForFormatZero_AndIsRefused()
    {
        var folder = Path.Combine(_root, "documents");
        using (var store = new LogDocumentStore(folder))
        {
            await store.TryWriteAsync("kept", "x"u8.ToArray(), Services.Storage.WriteCondition.None, Ct);
        }

        var first = Directory.GetFiles(folder, "*.log").Single();
        var bytes = File.ReadAllBytes(first);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(first, bytes);

        Assert.Null(LegacyLogImport.SetAside(folder));
        Assert.True(Directory.Exists(folder));
        Assert.Throws<StoreDamagedException>(() => new LogDocumentStore(folder));
    }

    private static byte[] Put(string key, string content) =>
        Record(
            1,
            [.. Encoding.ASCII.GetBytes(key), .. "0123456789abcdef"u8.ToArray(), .. Encoding.UTF8.GetBytes(content)],
            key
        );

    private static byte[] Delete(string key) => Record(2, Encoding.ASCII.GetBytes(key), key);

    // Format 0: body length and body CRC-32, then kind, key length, key, (ETag, content).
    private static byte[] Record(byte kind, byte[] rest, string key)
    {
        byte[] body = [kind, (byte)key.Length, 0, .. rest];
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Crc32.HashToUInt32(body));
        return [.. header, .. body];
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
