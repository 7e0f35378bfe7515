namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// Waits for something a background job does (a Quartz job, a fan-out step), checking it every
/// 50 ms until a deadline: no fixed sleep, and a clear failure when it never happens.
/// </summary>
internal static class Eventually
{
    public static async Task HoldsAsync(
        Func<Task<bool>> condition,
        string whatNeverHappened,
        TimeSpan? deadline = null
    ) => Assert.True(await HappensAsync(condition, deadline), whatNeverHappened);

    /// <summary>True as soon as the condition holds; false when the deadline (default 30 s) passes first.</summary>
    public static async Task<bool> HappensAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        var limit = deadline ?? TimeSpan.FromSeconds(30);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return true;
    }
}
