using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// Builds before format 1 wrote files without a header, records without a header checksum. At start,
/// such a folder is renamed <c>documents.format0</c>, its records are replayed in order into a new
/// store, and it is renamed <c>documents.format0.imported</c> (kept as a backup; delete it once
/// satisfied). A copy cut off by a crash runs again at the next start.
/// </summary>
internal static class LegacyLogImport
{
    private const int OldHeader = 8;

    /// <summary>Moves a format-0 folder out of the way; returns where it went, or null when there is none.</summary>
    public static string? SetAside(string folder)
    {
        var aside = folder + ".format0";
        if (Directory.Exists(aside))
        {
            return aside;
        }

        var first = Directory.Exists(folder)
            ? Directory
                .EnumerateFiles(folder)
                .Where(p => LogFormat.ParseName(Path.GetFileName(p)) is not null)
                .Order()
                .FirstOrDefault()
            : null;
        // Format 0 only when its first record holds: a current file whose header was damaged is the
        // store's to refuse, never a reason to set the store aside.
        if (first is null || IsCurrentFormat(first) || !StartsWithFormatZeroRecord(first))
        {
            return null;
        }

        Directory.Move(folder, aside);
        return aside;
    }

    /// <summary>Replays a set-aside folder into the store, then marks it imported.</summary>
    public static int Import(string aside, LogDocumentStore store, ILogger logger)
    {
        var files = Directory
            .EnumerateFiles(aside)
            .Select(p => (Path: p, Name: LogFormat.ParseName(Path.GetFileName(p))))
            .Where(f => f.Name is not null)
            .Select(f => (f.Path, f.Name!.Value.Number, f.Name.Value.IsBase))
            .OrderBy(f => f.Number)
            .ThenBy(f => f.IsBase)
            .ToList();
        var newestBase = files.FindLastIndex(f => f.IsBase);
        var records = 0;
        var replayed = files.Skip(Math.Max(newestBase, 0)).ToList();
        foreach (var (path, _, _) in replayed)
        {
            var bytes = File.ReadAllBytes(path);
            for (var at = 0; at + OldHeader <= bytes.Length; )
            {
                var length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)), int.MaxValue);
                if (length < 3 || at + OldHeader + length > bytes.Length)
                {
                    // The old format's torn tail, which only the newest file can have.
                    if (path != replayed[^1].Path)
                    {
                        throw new StoreDamagedException(
                            path,
                            at,
                            StoreDamage.Record,
                            "a format-0 record runs past the end"
                        );
                    }

                    break;
                }

                var body = bytes.AsSpan(at + OldHeader, length);
                if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)))
                {
                    throw new StoreDamagedException(
                        path,
                        at,
                        StoreDamage.Record,
                        "a format-0 record fails its checksum"
                    );
                }

                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[1..]);
                var key = System.Text.Encoding.ASCII.GetString(body.Slice(3, keyLength));
                if (body[0] == LogFormat.Delete)
                {
                    store.DeleteUnsynced(key);
                }
                else
                {
                    store.WriteUnsynced(key, body[(3 + keyLength + LogFormat.ETagLength)..]);
                }

                records++;
                at += OldHeader + length;
            }
        }

        store.Flush();
        Directory.Move(aside, aside + ".imported");
        StoreLog.FormatZeroImported(logger, records, aside, aside + ".imported");
        return records;
    }

    private static bool StartsWithFormatZeroRecord(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < OldHeader + 3)
        {
            return false;
        }

        var length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes), int.MaxValue);
        return length >= 3
            && OldHeader + length <= bytes.Length
            && Crc32.HashToUInt32(bytes.AsSpan(OldHeader, length))
                == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
    }

    private static bool IsCurrentFormat(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenHandle(path);
        return RandomAccess.Read(file, magic, 0) == 4 && magic.SequenceEqual("SBLS"u8);
    }
}
