using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Delivery;

namespace ServiceBot.Services.Returns;

internal enum DecisionOutcome
{
    Decided,
    NotFound,
    AlreadyDecided,
}

/// <summary>
/// The merchant approves or rejects a return. The decision is a conditional update from
/// "requested", so of two racing decisions one wins, and only the winner tells the customer.
/// </summary>
internal sealed class ReturnDecisions(ReturnStore returns, ProactiveMessenger messenger, TimeProvider time)
{
    public async Task<(DecisionOutcome Outcome, ReturnRequest? Request, SendOutcome? Notice)> DecideAsync(
        string rmaId, bool approve, string? note, CancellationToken cancellationToken)
    {
        if (await returns.GetAsync(rmaId, cancellationToken) is not { } found)
        {
            return (DecisionOutcome.NotFound, null, null);
        }

        if (found.Request.Status != ReturnStatus.Requested)
        {
            return (DecisionOutcome.AlreadyDecided, found.Request, null);
        }

        var decided = found.Request with
        {
            Status = approve ? ReturnStatus.Approved : ReturnStatus.Rejected,
            DecidedAt = time.GetUtcNow(),
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
        };
        if (!await returns.TryUpdateAsync(decided, found.ETag, cancellationToken))
        {
            return (DecisionOutcome.AlreadyDecided, (await returns.GetAsync(rmaId, cancellationToken))?.Request, null);
        }

        var notice = decided.Conversation is { } conversation
            ? await messenger.SendAsync(conversation, [Reply.FromText(Message(decided))], cancellationToken)
            : null;
        return (DecisionOutcome.Decided, decided, notice);
    }

    // Customers are told in Chinese with an English line, since the decision comes outside a turn.
    private static string Message(ReturnRequest request)
    {
        var note = request.Note is null ? "" : $"\n商家留言 / Note: {request.Note}";
        return request.Status == ReturnStatus.Approved
            ? $"您的退货申请 {request.RmaId} 已通过，请按商家说明寄回商品。\nYour return {request.RmaId} is approved; please send the item back as the merchant describes.{note}"
            : $"很抱歉，您的退货申请 {request.RmaId} 未通过。有疑问请回复“人工”。\nSorry, your return {request.RmaId} was declined. Reply \"agent\" with any questions.{note}";
    }
}
