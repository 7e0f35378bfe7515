using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServiceBot.Bench.Load;

/// <summary>
/// What a <see cref="LoadLoop"/> run measured: each request's latency in ms, from when it was due (or
/// sent, without a rate).
/// </summary>
internal sealed record LoadLoopRun(double[] LatenciesMs, int Failed, double Seconds);

/// <summary>
/// The load drivers' engine, in the manner of wrk: one thread owns every keep-alive connection
/// and waits for all of them at once (poll), sends each request on a connection that is free and
/// reads the answers as they come. No task, timer or thread-pool hand-over a request, so the
/// driver costs the server's 2 cores little. With a rate, request i is due at i / rate and goes
/// out then (or on the first connection to come free after), whatever was answered: an open loop,
/// whose latency counts from the due time, so a stalled server shows in the tail instead of
/// hiding (no coordinated omission); a request may leave up to <see cref="Early"/> before it is
/// due, in a batch with the others due by then, and then counts from when it left. Without a
/// rate every request is due at once: a closed loop with one request a connection in flight.
/// A request fails unless it gets a 200 whose body opens with the expected bytes; a connection
/// the server closes, that breaks or answers nothing within <see cref="Timeout"/> is opened again
/// for the next request (the one in flight counts as failed).
/// </summary>
internal sealed class LoadLoop
{
    private static readonly long Early = Stopwatch.Frequency / 1000;
    private static readonly long Timeout = Stopwatch.Frequency * 30;

    private readonly IPEndPoint endPoint;
    private readonly byte[][] requests;
    private readonly double ticksPerRequest;
    private readonly byte[] bodyPrefix;
    private readonly Connection[] connections;
    private readonly double[] latencies;
    private readonly Stopwatch clock = new();
    private int failed;

    private LoadLoop(Uri server, byte[][] requests, int connections, double? rate, byte[] bodyPrefix)
    {
        endPoint = new IPEndPoint(IPAddress.Parse(server.Host), server.Port);
        this.requests = requests;
        ticksPerRequest = rate is { } perSecond ? Stopwatch.Frequency / perSecond : 0;
        this.bodyPrefix = bodyPrefix;
        this.connections = Enumerable.Range(0, connections).Select(_ => new Connection()).ToArray();
        latencies = new double[requests.Length];
    }

    /// <summary>
    /// Sends <paramref name="requests"/> (whole HTTP requests) on <paramref name="connections"/> connections, at
    /// <paramref name="rate"/> a second or, without, as fast as they are answered.
    /// </summary>
    public static Task<LoadLoopRun> RunAsync(
        Uri server,
        byte[][] requests,
        int connections,
        double? rate,
        byte[] bodyPrefix
    ) =>
        Task.Factory.StartNew(
            () => new LoadLoop(server, requests, connections, rate, bodyPrefix).Run(),
            TaskCreationOptions.LongRunning
        );

    /// <summary>
    /// A POST of <paramref name="request"/> as text/xml, ready to write on any connection to <paramref name="server"/>.
    /// </summary>
    public static byte[] Post(Uri server, WeChatRequest request)
    {
        var body = Encoding.UTF8.GetBytes(request.Body);
        var head = Encoding.ASCII.GetBytes(
            $"POST {request.PathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: text/xml; "
                + $"charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n"
        );
        return [.. head, .. body];
    }

    private LoadLoopRun Run()
    {
        try
        {
            foreach (var connection in connections)
            {
                connection.Open(endPoint);
            }

            var free = new Stack<Connection>(connections);
            var waiting = new Queue<int>();
            var busy = new List<Connection>(connections.Length);
            var readable = new List<Socket>(connections.Length);
            var next = 0;
            var done = 0;
            clock.Start();
            while (done < requests.Length)
            {
                var now = clock.ElapsedTicks;
                while (next < requests.Length && Due(next) <= now + Early)
                {
                    waiting.Enqueue(next++);
                }

                while (waiting.Count > 0 && free.TryPop(out var connection))
                {
                    var i = waiting.Dequeue();
                    if (Send(connection, i, now))
                    {
                        busy.Add(connection);
                    }
                    else
                    {
                        done++;
                        free.Push(connection);
                    }
                }

                // Until the next request is due (then less Early), or a while when every connection is busy.
                var waitMs =
                    waiting.Count == 0 && next < requests.Length
                        ? (int)Math.Clamp((Due(next) - Early - now) * 1000 / Stopwatch.Frequency + 1, 1, 100)
                        : 100;
                if (busy.Count == 0)
                {
                    Thread.Sleep(waitMs);
                    continue;
                }

                readable.Clear();
                foreach (var connection in busy)
                {
                    readable.Add(connection.Socket!);
                }

                Socket.Select(readable, null, null, waitMs * 1000);
                for (var b = busy.Count - 1; b >= 0; b--)
                {
                    var connection = busy[b];
                    var finished = readable.Contains(connection.Socket!)
                        ? Receive(connection)
                        : clock.ElapsedTicks - connection.SentAt > Timeout && Fail(connection);
                    if (finished)
                    {
                        busy.RemoveAt(b);
                        free.Push(connection);
                        done++;
                    }
                }
            }

            return new LoadLoopRun(latencies, failed, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Close();
            }
        }
    }

    private long Due(int i) => (long)(i * ticksPerRequest);

    /// <summary>Sends request <paramref name="i"/>; false if it could not be (it counts as failed).</summary>
    private bool Send(Connection connection, int i, long now)
    {
        connection.Request = i;
        connection.From = ticksPerRequest > 0 ? Math.Min(Due(i), now) : now;
        connection.SentAt = now;
        try
        {
            if (connection.Socket is null)
            {
                connection.Open(endPoint);
            }

            connection.Socket!.Send(requests[i]);
            return true;
        }
        catch (SocketException)
        {
            Fail(connection);
            return false;
        }
    }

    /// <summary>Reads what the connection's socket has; true once its request is answered (or failed).</summary>
    private bool Receive(Connection connection)
    {
        var read = connection.Socket!.Receive(
            connection.Buffer.AsSpan(connection.Received),
            SocketFlags.None,
            out var error
        );
        if (error != SocketError.Success || read == 0)
        {
            return Fail(connection);
        }

        connection.Received += read;
        try
        {
            if (
                !HttpResponse.TryRead(
                    connection.Buffer.AsSpan(0, connection.Received),
                    bodyPrefix,
                    out var length,
                    out var ok,
                    out var close
                )
            )
            {
                return connection.Received == connection.Buffer.Length
                    && Fail(connection, new InvalidDataException("A response longer than the read buffer."));
            }

            latencies[connection.Request] = (clock.ElapsedTicks - connection.From) * 1000.0 / Stopwatch.Frequency;
            if (!ok)
            {
                failed++;
            }

            if (close || length != connection.Received)
            {
                // Closed by the server, or bytes after the answer that no request asked for.
                connection.Close();
            }

            connection.Received = 0;
            return true;
        }
        catch (InvalidDataException e)
        {
            return Fail(connection, e);
        }
    }

    /// <summary>
    /// Counts the connection's request as failed and closes it, to be opened again for the next; always true.
    /// </summary>
    private bool Fail(Connection connection, Exception? why = null)
    {
        if (why is not null && failed == 0)
        {
            Console.Error.WriteLine($"{endPoint}: {why.Message}");
        }

        latencies[connection.Request] = (clock.ElapsedTicks - connection.From) * 1000.0 / Stopwatch.Frequency;
        failed++;
        connection.Close();
        return true;
    }

    private sealed class Connection
    {
        public Socket? Socket { get; private set; }

        public byte[] Buffer { get; } = new byte[64 * 1024];

        public int Received { get; set; }

        public int Request { get; set; }

        public long From { get; set; }

        public long SentAt { get; set; }

        public void Open(EndPoint endPoint)
        {
            Close();
            Socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Socket.Connect(endPoint);
        }

        public void Close()
        {
            Socket?.Dispose();
            Socket = null;
            Received = 0;
        }
    }
}
