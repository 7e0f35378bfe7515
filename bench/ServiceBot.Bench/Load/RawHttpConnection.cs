using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServiceBot.Bench.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection on a bare socket, for the load drivers: a request is bytes
/// built once before the clock starts, an answer is its status and whether the body opens with a
/// given prefix. It costs the server's two cores far less than HttpClient, so the driver's own
/// work does not show up as the server's latency. Knows Content-Length and chunked bodies, and
/// opens a new connection when the server closes one, the socket fails, the answer cannot be
/// read, or none comes within <see cref="Timeout"/> (each counts as a failed request).
/// </summary>
internal sealed class RawHttpConnection(Uri server) : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly byte[] buffer = new byte[64 * 1024];
    private CancellationTokenSource timeout = new();
    private Socket? socket;
    private int start;
    private int end;

    /// <summary>A POST of <paramref name="request"/> as text/xml, ready to write on any connection to <paramref name="server"/>.</summary>
    public static byte[] Post(Uri server, WeChatRequest request)
    {
        var body = Encoding.UTF8.GetBytes(request.Body);
        var head = Encoding.ASCII.GetBytes($"POST {request.PathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n");
        return [.. head, .. body];
    }

    public async Task ConnectAsync()
    {
        socket?.Dispose();
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));
        start = end = 0;
    }

    /// <summary>Sends one request and reads its answer: true for a 200 whose body starts with <paramref name="bodyPrefix"/>. A broken connection is replaced and counts as a failure.</summary>
    public async Task<bool> SendAsync(byte[] request, ReadOnlyMemory<byte> bodyPrefix)
    {
        try
        {
            if (socket is null)
            {
                await ConnectAsync();
            }

            timeout.CancelAfter(Timeout);
            await socket!.SendAsync(request, SocketFlags.None, timeout.Token);
            var (ok, close) = await ReadResponseAsync(bodyPrefix);
            if (!timeout.TryReset())
            {
                timeout.Dispose();
                timeout = new CancellationTokenSource();
            }

            if (close)
            {
                socket.Dispose();
                socket = null;
            }

            return ok;
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or FormatException or OverflowException or OperationCanceledException)
        {
            socket?.Dispose();
            socket = null;
            timeout.Dispose();
            timeout = new CancellationTokenSource();
            return false;
        }
    }

    public void Dispose()
    {
        socket?.Dispose();
        timeout.Dispose();
    }

    private async Task<(bool Ok, bool Close)> ReadResponseAsync(ReadOnlyMemory<byte> bodyPrefix)
    {
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(start, end - start).IndexOf(HeaderEnd)) < 0)
        {
            await FillAsync();
        }

        var head = Encoding.ASCII.GetString(buffer, start, headerEnd);
        start += headerEnd + HeaderEnd.Length;
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !int.TryParse(status[1], out var code))
        {
            throw new InvalidDataException("Not an HTTP status line: " + lines[0]);
        }

        long? length = null;
        var chunked = false;
        var close = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        var prefix = new PrefixCheck(bodyPrefix);
        if (chunked)
        {
            while (true)
            {
                var size = await ReadChunkSizeAsync();
                if (size == 0)
                {
                    await SkipAsync(LineEnd.Length);
                    break;
                }

                await ConsumeAsync(size, prefix);
                await SkipAsync(LineEnd.Length);
            }
        }
        else if (length is { } n)
        {
            await ConsumeAsync(n, prefix);
        }
        else
        {
            throw new InvalidDataException("A response without Content-Length or chunked body.");
        }

        return (code == 200 && prefix.Matched, close);
    }

    private async Task<long> ReadChunkSizeAsync()
    {
        int lineEnd;
        while ((lineEnd = buffer.AsSpan(start, end - start).IndexOf(LineEnd)) < 0)
        {
            await FillAsync();
        }

        var text = Encoding.ASCII.GetString(buffer, start, lineEnd).Split(';')[0].Trim();
        start += lineEnd + LineEnd.Length;
        return Convert.ToInt64(text, 16);
    }

    private async Task ConsumeAsync(long count, PrefixCheck prefix)
    {
        while (count > 0)
        {
            if (start == end)
            {
                await FillAsync();
            }

            var take = (int)Math.Min(count, end - start);
            prefix.Feed(buffer.AsSpan(start, take));
            start += take;
            count -= take;
        }
    }

    private Task SkipAsync(int count) => ConsumeAsync(count, new PrefixCheck(ReadOnlyMemory<byte>.Empty));

    private async Task FillAsync()
    {
        if (start == end)
        {
            start = end = 0;
        }
        else if (end == buffer.Length)
        {
            if (start == 0)
            {
                throw new InvalidDataException("Response head longer than the read buffer.");
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        var read = await socket!.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, timeout.Token);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        end += read;
    }

    /// <summary>Whether a body, fed in pieces, opens with the expected bytes.</summary>
    private sealed class PrefixCheck(ReadOnlyMemory<byte> expected)
    {
        private int seen;
        private bool failed;

        public bool Matched => !failed && seen == expected.Length;

        public void Feed(ReadOnlySpan<byte> piece)
        {
            if (failed || seen == expected.Length)
            {
                return;
            }

            var take = Math.Min(piece.Length, expected.Length - seen);
            if (!piece[..take].SequenceEqual(expected.Span.Slice(seen, take)))
            {
                failed = true;
                return;
            }

            seen += take;
        }
    }
}
