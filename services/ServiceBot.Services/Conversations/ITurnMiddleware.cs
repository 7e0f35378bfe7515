namespace ServiceBot.Services.Conversations;

internal delegate Task TurnHandler(TurnContext turn, CancellationToken cancellationToken);

/// <summary>One link of the turn pipeline; calls <c>next</c> to go on, or returns to stop the turn.</summary>
internal interface ITurnMiddleware
{
    Task InvokeAsync(TurnContext turn, TurnHandler following, CancellationToken cancellationToken);
}
