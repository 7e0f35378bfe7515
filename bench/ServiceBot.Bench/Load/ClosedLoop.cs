namespace ServiceBot.Bench.Load;

/// <summary>Sends each message once with a fixed number in flight: the warm-up that introduces the customers.</summary>
internal static class ClosedLoop
{
    public static async Task SendAsync(Uri server, ReadOnlyMemory<WeChatRequest> messages, int inFlight)
    {
        var connections = await OpenLoop.OpenAsync(server, inFlight);
        var failed = 0;
        var next = -1;
        await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Length)
            {
                if (!await connection.SendAsync(RawHttpConnection.Post(server, messages.Span[i]), ReadOnlyMemory<byte>.Empty))
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {messages.Length} warm-up messages failed at {server}");
        }
    }
}
