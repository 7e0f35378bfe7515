using System.Net;
using System.Net.Sockets;

namespace ServiceBot.IntegrationTests.Support;

internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on the port, or the deadline passes.</summary>
    public static async Task WaitUntilListeningAsync(
        int port,
        TimeSpan deadline,
        Func<bool> stillRunning,
        CancellationToken cancellationToken
    )
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < deadline && stillRunning())
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet: a server starting up. Try again shortly.
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {deadline}.");
    }
}
