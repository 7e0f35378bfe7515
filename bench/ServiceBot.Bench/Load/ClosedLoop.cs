namespace ServiceBot.Bench.Load;

/// <summary>Sends each message once with a fixed number in flight: the warm-up that introduces the customers.</summary>
internal static class ClosedLoop
{
    public static async Task SendAsync(Uri server, ReadOnlyMemory<WeChatRequest> messages, int inFlight)
    {
        var failed = await OpenLoop.SendEachAsync(await OpenLoop.OpenAsync(server, inFlight), messages.Length,
            (connection, i) => connection.SendAsync(RawHttpConnection.Post(server, messages.Span[i]), ReadOnlyMemory<byte>.Empty));
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {messages.Length} warm-up messages failed at {server}");
        }
    }
}
