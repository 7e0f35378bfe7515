using System.Buffers;
using System.Text;

namespace ServiceBot.Bot.Channels.WeChat;

internal static class WeChatBody
{
    /// <summary>Reads the body as UTF-8, or returns null as soon as it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // A pooled buffer: a fresh one of the full limit per request would be zeroed and
        // collected each time, on every turn.
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var total = 0;
            int read;
            while (
                total <= maxBytes
                && (
                    read = await request.Body.ReadAsync(buffer.AsMemory(total, maxBytes + 1 - total), cancellationToken)
                ) > 0
            )
            {
                total += read;
            }

            return total > maxBytes ? null : Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
