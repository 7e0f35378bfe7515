using System.Buffers.Text;
using System.Text;

namespace ServiceBot.Bench.Load;

/// <summary>
/// Reads one HTTP/1.1 response from the bytes received so far, without copying or allocating:
/// whether it is all there, how long it is, its status, whether its body opens with the expected
/// bytes and whether the server closes the connection after it. Knows Content-Length and chunked
/// bodies (no trailers).
/// </summary>
internal static class HttpResponse
{
    /// <summary>
    /// True once <paramref name="data"/> holds a whole response; <paramref name="ok"/> is a 200 whose body starts with
    /// <paramref name="bodyPrefix"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an HTTP response, or one without a length.</exception>
    public static bool TryRead(
        ReadOnlySpan<byte> data,
        ReadOnlySpan<byte> bodyPrefix,
        out int length,
        out bool ok,
        out bool close
    )
    {
        length = 0;
        ok = close = false;
        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }

        var head = data[..headEnd];
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        var firstSpace = statusLine.IndexOf((byte)' ');
        if (
            !statusLine.StartsWith("HTTP/1."u8)
            || firstSpace < 0
            || statusLine.Length < firstSpace + 4
            || !Utf8Parser.TryParse(statusLine.Slice(firstSpace + 1, 3), out int status, out _)
        )
        {
            throw new InvalidDataException("Not an HTTP status line: " + Encoding.ASCII.GetString(statusLine));
        }

        long? contentLength = null;
        var chunked = false;
        var headers = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!headers.IsEmpty)
        {
            var next = headers.IndexOf("\r\n"u8);
            var line = next < 0 ? headers : headers[..next];
            headers = next < 0 ? [] : headers[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim((byte)' ');
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                contentLength =
                    Utf8Parser.TryParse(value, out long n, out var used) && used == value.Length && n >= 0
                        ? n
                        : throw new InvalidDataException("Not a Content-Length: " + Encoding.ASCII.GetString(value));
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Contains(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }

        var bodyStart = headEnd + 4;
        Span<byte> opening = stackalloc byte[bodyPrefix.Length];
        var seen = 0;
        if (chunked)
        {
            var at = bodyStart;
            while (true)
            {
                var sizeEnd = data[at..].IndexOf("\r\n"u8);
                if (sizeEnd < 0)
                {
                    return false;
                }

                var sizeText = data.Slice(at, sizeEnd);
                var extension = sizeText.IndexOf((byte)';');
                sizeText = (extension < 0 ? sizeText : sizeText[..extension]).Trim((byte)' ');
                if (
                    !Utf8Parser.TryParse(sizeText, out long size, out var used, 'x')
                    || used != sizeText.Length
                    || size < 0
                )
                {
                    throw new InvalidDataException("Not a chunk size: " + Encoding.ASCII.GetString(sizeText));
                }

                at += sizeEnd + 2;
                if (data.Length - at < size + 2)
                {
                    return false;
                }

                var chunk = data.Slice(at, (int)size);
                var take = Math.Min(chunk.Length, opening.Length - seen);
                chunk[..take].CopyTo(opening[seen..]);
                seen += take;
                at += (int)size + 2;
                if (size == 0)
                {
                    length = at;
                    break;
                }
            }
        }
        else if (contentLength is { } n)
        {
            if (data.Length - bodyStart < n)
            {
                return false;
            }

            length = bodyStart + (int)n;
            seen = Math.Min(opening.Length, (int)n);
            data.Slice(bodyStart, seen).CopyTo(opening);
        }
        else
        {
            throw new InvalidDataException("A response without Content-Length or chunked body.");
        }

        ok = status == 200 && seen == opening.Length && opening.SequenceEqual(bodyPrefix);
        return true;
    }

    private static bool Contains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (var i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token))
            {
                return true;
            }
        }

        return false;
    }
}
