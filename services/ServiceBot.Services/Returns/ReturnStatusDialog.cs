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

    protected override async Task<DialogStep<NoState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        var mine = await returns.ListForCustomerAsync(context.Activity.Conversation.UserId, cancellationToken);
        if (mine.Count == 0)
        {
            context.SendText(ReturnText.NoReturnsYet(context.IsEnglish));
            return DialogStep.Complete<NoState>();
        }

        context.SendText(ReturnText.MyReturns(mine.Take(5), context.IsEnglish, shop.Value.Zone));
        return DialogStep.Complete<NoState>();
    }

    protected override Task<DialogStep<NoState>> OnContinueAsync(
        DialogContext context,
        NoState state,
        CancellationToken cancellationToken
    ) => Task.FromResult(DialogStep.Complete<NoState>());
}

[System.Text.Json.Serialization.JsonSerializable(typeof(NoState))]
internal sealed partial class NoStateJson : System.Text.Json.Serialization.JsonSerializerContext;
