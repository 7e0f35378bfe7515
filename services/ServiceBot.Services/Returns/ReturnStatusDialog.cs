using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;

namespace ServiceBot.Services.Returns;

internal sealed record NoState;

/// <summary>"我的退货": the customer's latest returns and where each stands; answers in one turn.</summary>
internal sealed class ReturnStatusDialog(ReturnStore returns, IOptions<ShopOptions> shop)
    : Dialog<NoState>(NoStateJson.Default.NoState)
{
    public const string DialogId = "returns.status";

    public override string Id => DialogId;

    protected override async Task<DialogStep<NoState>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken)
    {
        var mine = await returns.ListForCustomerAsync(context.Activity.Conversation.UserId, cancellationToken);
        if (mine.Count == 0)
        {
            context.SendText("您还没有退货申请。回复“退货”可以申请。", "You have no returns. Reply \"return\" to open one.");
            return DialogStep.Complete<NoState>();
        }

        context.SendText(List(mine, false), List(mine, true));
        return DialogStep.Complete<NoState>();
    }

    protected override Task<DialogStep<NoState>> OnContinueAsync(DialogContext context, NoState state, CancellationToken cancellationToken) =>
        Task.FromResult(DialogStep.Complete<NoState>());

    private string List(IReadOnlyList<ReturnRequest> mine, bool english)
    {
        var text = new StringBuilder(english ? "Your returns:\n" : "您的退货：\n");
        foreach (var request in mine.Take(5))
        {
            var status = (request.Status, english) switch
            {
                (ReturnStatus.Requested, false) => "审核中",
                (ReturnStatus.Requested, true) => "being reviewed",
                (ReturnStatus.Approved, false) => "已同意",
                (ReturnStatus.Approved, true) => "approved",
                (_, false) => "未通过",
                _ => "declined",
            };
            var date = TimeZoneInfo.ConvertTime(request.CreatedAt, shop.Value.Zone).ToString(english ? "d MMM" : "M月d日", CultureInfo.InvariantCulture);
            var note = string.IsNullOrEmpty(request.Note) ? "" : $" · {request.Note}";
            text.Append(CultureInfo.InvariantCulture, $"{request.RmaId} · {request.OrderId} · {date} · {status}{note}\n");
        }

        return text.ToString().TrimEnd();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(NoState))]
internal sealed partial class NoStateJson : System.Text.Json.Serialization.JsonSerializerContext;
