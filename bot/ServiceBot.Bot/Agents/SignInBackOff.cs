using System.Collections.Concurrent;

namespace ServiceBot.Bot.Agents;

/// <summary>
/// Per account, beside the per-address rate limit: after five wrong passwords in a row an account
/// waits a minute before the next try, then twice as long after each further miss (at most an hour),
/// so guessing from many addresses gets nowhere. Only configured names are tracked, so made-up names
/// cannot fill memory; each instance keeps its own count.
/// </summary>
internal sealed class SignInBackOff(AgentAccounts accounts, TimeProvider time)
{
    private const int FreeTries = 5;
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (int Misses, DateTimeOffset Until)> _accounts = new(
        StringComparer.Ordinal
    );

    /// <summary>How long the account must still wait before a try counts, or null.</summary>
    public TimeSpan? WaitFor(string? name) =>
        name is not null && _accounts.TryGetValue(name, out var state) && state.Until > time.GetUtcNow()
            ? state.Until - time.GetUtcNow()
            : null;

    public void Missed(string? name)
    {
        if (name is null || accounts.Find(name) is null)
        {
            return;
        }

        _accounts.AddOrUpdate(
            name,
            _ => (1, DateTimeOffset.MinValue),
            (_, state) =>
            {
                var misses = state.Misses + 1;
                var wait =
                    misses < FreeTries
                        ? TimeSpan.Zero
                        : TimeSpan.FromMinutes(Math.Min(Math.Pow(2, misses - FreeTries), Longest.TotalMinutes));
                return (misses, time.GetUtcNow() + wait);
            }
        );
    }

    public void SignedIn(string name) => _accounts.TryRemove(name, out _);
}
