namespace ServiceBot.Services.Handoff;

/// <summary>
/// What an agent's action came to: done (with the case after it), or refused with why and a message for the agent.
/// </summary>
internal sealed record DeskResult(HandoffCase? Case, string? Problem, DeskRefusal Refusal)
{
    public bool Ok => Problem is null;

    public static DeskResult Done(HandoffCase after) => new(after, null, DeskRefusal.None);

    public static DeskResult Refused(DeskRefusal why, string problem) => new(null, problem, why);
}

/// <summary>Why the desk refused an agent's action; the host maps it to its own status codes.</summary>
internal enum DeskRefusal
{
    None,

    /// <summary>The request itself is wrong (an empty or too long text).</summary>
    Invalid,

    NotFound,

    /// <summary>
    /// The case is not in a state that allows it (claimed by someone else, closed, WeChat's window shut).
    /// </summary>
    Conflict,

    /// <summary>The channel did not take the message, or may have it without saying so.</summary>
    ChannelFailed,
}
