using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// The bytes of the log store's files. Every file starts with a header: magic, format version,
/// kind, its own number and the number of the file before it (so a missing or misplaced file is
/// seen), with a CRC-32. A record: body length, body CRC-32, how many bytes of the file were synced
/// when it was appended, and a CRC-32 of those fields, so a length is never trusted alone; then the
/// body: kind, key length, key (ASCII), for a put the ETag and the content.
/// </summary>
internal static class LogFormat
{
    public const int Version = 1;
    public const int FileHeader = 32;
    public const int RecordHeader = 20;
    public const int ETagLength = 16;
    public const byte Put = 1;
    public const byte Delete = 2;

    /// <summary>Ends every file but the newest: names the file that follows.</summary>
    public const byte Seal = 3;

    /// <summary>Carries nothing but its header's synced length (written at a clean close and by a probe).</summary>
    public const byte Mark = 4;

    private const uint Magic = 0x534C4253; // "SBLS" little-endian

    /// <summary>The largest record body the format takes (a length above it is damage, not a document).</summary>
    public const int MaxBody = 256 * 1024 * 1024;

    public static string FileName(long number, bool isBase) =>
        $"{number.ToString("D8", CultureInfo.InvariantCulture)}.{(isBase ? "base" : "log")}";

    /// <summary>The number and kind a store file's name gives, or null for any other file.</summary>
    public static (long Number, bool IsBase)? ParseName(string name)
    {
        var isBase = name.EndsWith(".base", StringComparison.Ordinal);
        var digits = name.Length - (isBase ? 5 : 4);
        if (
            !(isBase || name.EndsWith(".log", StringComparison.Ordinal))
            || digits < 8
            || name.AsSpan(0, digits).ContainsAnyExceptInRange('0', '9')
        )
        {
            return null;
        }

        return (long.Parse(name.AsSpan(0, digits), CultureInfo.InvariantCulture), isBase);
    }

    public static byte[] EncodeFileHeader(long number, bool isBase, long previous)
    {
        var header = new byte[FileHeader];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), Version);
        header[6] = isBase ? (byte)2 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), number);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), previous);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Crc32.HashToUInt32(header.AsSpan(0, 28)));
        return header;
    }

    /// <summary>The header's file number and the number before it; null (with why) when it is not one.</summary>
    public static (long Number, long Previous)? ParseFileHeader(ReadOnlySpan<byte> header, bool isBase, out string why)
    {
        why = "";
        if (header.Length < FileHeader || !header[..FileHeader].ContainsAnyExcept((byte)0))
        {
            why = "it has no header";
        }
        else if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32.HashToUInt32(header[..28]))
        {
            why = "its header fails its checksum";
        }
        else if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            why = "it is not a store file";
        }
        else if (BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) is var version && version != Version)
        {
            why = $"it is of format {version}, and this build reads format {Version}";
        }
        else if (header[6] != (isBase ? 2 : 1))
        {
            why = "its header says another kind of file";
        }

        return why.Length > 0
            ? null
            : (
                BinaryPrimitives.ReadInt64LittleEndian(header[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(header[16..])
            );
    }

    /// <summary>The file a clean close leaves: the newest file's number and length then, with a CRC-32.</summary>
    public const string ClosedFile = "CLOSED";

    public static byte[] EncodeClosed(long number, long length)
    {
        var bytes = new byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, number);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), Crc32.HashToUInt32(bytes.AsSpan(0, 16)));
        return bytes;
    }

    public static (long Number, long Length)? ParseClosed(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 20 && BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]) == Crc32.HashToUInt32(bytes[..16])
            ? (BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]))
            : null;

    public static int PutSize(int keyLength, int contentLength) => ContentStart(keyLength) + contentLength;

    /// <summary>Where a put's content starts in its record.</summary>
    public static int ContentStart(int keyLength) => RecordHeader + 3 + keyLength + ETagLength;

    public static int RecordSize(byte kind, int keyLength, int contentLength) =>
        kind == Put ? PutSize(keyLength, contentLength) : RecordHeader + 3 + keyLength + contentLength;

    /// <summary>Writes a record into the front of <paramref name="buffer"/> and returns it.</summary>
    public static Span<byte> Encode(
        byte kind,
        string key,
        string? etag,
        ReadOnlySpan<byte> content,
        long synced,
        Span<byte> buffer
    )
    {
        var record = buffer[..RecordSize(kind, key.Length, content.Length)];
        var body = record[RecordHeader..];
        body[0] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(body[1..], (ushort)key.Length);
        var at = 3 + Encoding.ASCII.GetBytes(key, body[3..]);
        if (kind == Put)
        {
            at += Encoding.ASCII.GetBytes(etag, body[at..]);
        }

        content.CopyTo(body[at..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(body));
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], synced);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], Crc32.HashToUInt32(record[..16]));
        return record;
    }

    /// <summary>Sets a record's synced length (known only under the store's lock) and its header checksum.</summary>
    public static void StampSynced(Span<byte> record, long synced)
    {
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], synced);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], Crc32.HashToUInt32(record[..16]));
    }

    /// <summary>A seal: the file ends here and <paramref name="next"/> follows it.</summary>
    public static byte[] EncodeSeal(long next, long synced)
    {
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, next);
        var buffer = new byte[RecordSize(Seal, 0, 8)];
        Encode(Seal, "", null, number, synced, buffer);
        return buffer;
    }

    public static byte[] EncodeMark(long synced)
    {
        var buffer = new byte[RecordSize(Mark, 0, 0)];
        Encode(Mark, "", null, [], synced, buffer);
        return buffer;
    }

    /// <summary>A record header's body length and synced length, or null when its checksum fails.</summary>
    public static (int BodyLength, long Synced)? ParseHeader(ReadOnlySpan<byte> header)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Crc32.HashToUInt32(header[..16]))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length is < 3 or > MaxBody ? null : ((int)length, BinaryPrimitives.ReadInt64LittleEndian(header[8..]));
    }

    /// <summary>Whether a whole record's body matches its checksum and parses.</summary>
    public static bool BodyHolds(ReadOnlySpan<byte> record)
    {
        var body = record[RecordHeader..];
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(record[4..]))
        {
            return false;
        }

        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[1..]);
        return body[0] switch
        {
            Put => 3 + keyLength + ETagLength <= body.Length,
            Delete => 3 + keyLength == body.Length,
            Seal => keyLength == 0 && body.Length == 11,
            Mark => keyLength == 0 && body.Length == 3,
            _ => false,
        };
    }

    public static byte Kind(ReadOnlySpan<byte> record) => record[RecordHeader];

    public static string Key(ReadOnlySpan<byte> record) =>
        Encoding.ASCII.GetString(record.Slice(RecordHeader + 3, KeyLength(record)));

    public static int KeyLength(ReadOnlySpan<byte> record) =>
        BinaryPrimitives.ReadUInt16LittleEndian(record[(RecordHeader + 1)..]);

    /// <summary>A put's ETag as the number it is written from (16 hex digits); 0 if it is not one.</summary>
    public static ulong ETagNumber(ReadOnlySpan<byte> record) =>
        ulong.TryParse(
            record.Slice(RecordHeader + 3 + KeyLength(record), ETagLength),
            NumberStyles.AllowHexSpecifier,
            CultureInfo.InvariantCulture,
            out var number
        )
            ? number
            : 0;

    public static long SealNext(ReadOnlySpan<byte> record) =>
        BinaryPrimitives.ReadInt64LittleEndian(record[(RecordHeader + 3)..]);
}
