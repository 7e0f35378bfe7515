using System.Text;

namespace ServiceBot.Bench.Load;

/// <summary>Sends each message once with a fixed number in flight: the warm-up that introduces the customers.</summary>
internal static class ClosedLoop
{
    public static async Task SendAsync(Uri server, ReadOnlyMemory<WeChatRequest> messages, int inFlight)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var failed = 0;
        await Parallel.ForEachAsync(MemoryMarshalEnumerable(messages), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (message, ct) =>
        {
            using var content = new StringContent(message.Body, Encoding.UTF8, "text/xml");
            using var response = await http.PostAsync(message.PathAndQuery, content, ct);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
            }
        });
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {messages.Length} warm-up messages failed at {server}");
        }
    }

    private static IEnumerable<WeChatRequest> MemoryMarshalEnumerable(ReadOnlyMemory<WeChatRequest> messages)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            yield return messages.Span[i];
        }
    }
}
