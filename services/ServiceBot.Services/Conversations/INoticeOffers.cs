namespace ServiceBot.Services.Conversations;

/// <summary>
/// Offers a customer notices where it helps, without the dialog knowing how notices work: after an
/// order is shown, "want to hear when it arrives?". Optional: without one registered, nothing is offered.
/// </summary>
internal interface INoticeOffers
{
    /// <summary>A line to add after showing an order whose parcel is still on its way, or null.</summary>
    string? AfterOrderShown(TurnContext turn);
}
