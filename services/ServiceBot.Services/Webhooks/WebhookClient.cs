using System.Globalization;
using System.Text;

namespace ServiceBot.Services.Webhooks;

/// <summary>
/// Sends a signed event: <c>X-Timestamp</c> (Unix seconds) and <c>X-Signature</c> over
/// "{timestamp}.{body}", as the courier webhook takes them. One long-lived client with pooled
/// connections renewed every few minutes (so a receiver's DNS change is followed).
/// </summary>
internal sealed class WebhookClient(TimeProvider time) : IDisposable
{
    private readonly HttpClient _http = new(
        new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        }
    )
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The status the receiver answered, or null and why when there was no answer.</summary>
    public async Task<(int? Status, string? Error)> PostAsync(
        WebhookEndpoint endpoint,
        string body,
        CancellationToken cancellationToken
    )
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add("X-Timestamp", timestamp);
        request.Headers.Add("X-Signature", WebhookSignature.Compute(endpoint.Secret!, timestamp, bytes));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    public void Dispose() => _http.Dispose();
}
