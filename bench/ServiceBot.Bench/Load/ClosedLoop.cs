namespace ServiceBot.Bench.Load;

/// <summary>Sends each message once with a fixed number in flight: the warm-up that introduces the customers.</summary>
internal static class ClosedLoop
{
    public static async Task SendAsync(Uri server, ReadOnlyMemory<WeChatRequest> messages, int inFlight)
    {
        var requests = new byte[messages.Length][];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = LoadLoop.Post(server, messages.Span[i]);
        }

        var failed = (await LoadLoop.RunAsync(server, requests, inFlight, rate: null, bodyPrefix: [])).Failed;
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {messages.Length} warm-up messages failed at {server}");
        }
    }
}
