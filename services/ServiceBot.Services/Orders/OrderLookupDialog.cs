using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Understanding;

namespace ServiceBot.Services.Orders;

/// <summary>While the customer picks from a list: the order ids shown, and how many answers missed.</summary>
internal sealed record OrderLookupState(IReadOnlyList<string> Choices, int Misses);

[JsonSerializable(typeof(OrderLookupState))]
internal sealed partial class OrderDialogJsonContext : JsonSerializerContext;

/// <summary>
/// "Where is my parcel?": an order id in the message is shown if it is the customer's own; else
/// one recent order is shown at once, several are listed to pick by number or id. Someone else's
/// order id gets the same answer as an id that does not exist.
/// </summary>
internal sealed class OrderLookupDialog(OrderStore orders, IOptions<ShopOptions> shop)
    : Dialog<OrderLookupState>(OrderDialogJsonContext.Default.OrderLookupState)
{
    public const string DialogId = "orders.lookup";
    private const int MaxListed = 5;
    private const int MaxMisses = 2;

    public override string Id => DialogId;

    private TimeZoneInfo Zone => shop.Value.Zone;

    protected override async Task<DialogStep<OrderLookupState>> OnBeginAsync(DialogContext context, CancellationToken cancellationToken)
    {
        var customer = context.Activity.Conversation.UserId;
        if (OrderIds.FindIn(context.Text) is [var first, ..])
        {
            return await ShowByIdAsync(context, first, customer, cancellationToken);
        }

        var recent = await orders.ListForCustomerAsync(customer, MaxListed, cancellationToken);
        switch (recent.Count)
        {
            case 0:
                context.SendText(
                    "没有找到您名下的订单。如果您是用其他微信号下单的，请直接发送订单号给我。",
                    "I couldn't find any orders for you. If you ordered from another account, send me the order number.");
                return DialogStep.Complete<OrderLookupState>();
            case 1:
                context.SendText(OrderText.Detail(recent[0], false, Zone), OrderText.Detail(recent[0], true, Zone));
                return DialogStep.Complete<OrderLookupState>();
            default:
                context.SendText(List(recent, english: false), List(recent, english: true));
                return DialogStep.Wait(new OrderLookupState([.. recent.Select(o => o.OrderId)], 0));
        }
    }

    protected override async Task<DialogStep<OrderLookupState>> OnContinueAsync(DialogContext context, OrderLookupState state, CancellationToken cancellationToken)
    {
        var customer = context.Activity.Conversation.UserId;
        if (OrderIds.FindIn(context.Text) is [var id, ..] && !IsPickNumber(context.Text, state))
        {
            return await ShowByIdAsync(context, id, customer, cancellationToken);
        }

        if (ChoiceParser.Pick(context.Text, state.Choices.Count) is { } pick)
        {
            return await ShowByIdAsync(context, state.Choices[pick - 1], customer, cancellationToken);
        }

        if (state.Misses + 1 >= MaxMisses)
        {
            context.SendText(
                "抱歉，我还是没看明白。您可以直接发送订单号，或回复“菜单”看看其他服务。",
                "Sorry, I still didn't get which one. Send me the order number, or reply \"menu\" for other help.");
            return DialogStep.Complete<OrderLookupState>();
        }

        context.SendText(
            $"请回复 1 到 {state.Choices.Count} 之间的序号，或者发送订单号。回复“取消”结束查询。",
            $"Please reply with a number from 1 to {state.Choices.Count}, or the order number. Reply \"cancel\" to stop.");
        return DialogStep.Wait(state with { Misses = state.Misses + 1 });
    }

    private async Task<DialogStep<OrderLookupState>> ShowByIdAsync(DialogContext context, string orderId, string customer, CancellationToken cancellationToken)
    {
        if (await orders.GetForCustomerAsync(orderId, customer, cancellationToken) is { } order)
        {
            context.SendText(OrderText.Detail(order, false, Zone), OrderText.Detail(order, true, Zone));
        }
        else
        {
            context.SendText(
                $"没有找到订单 {orderId}。请核对订单号；只能查询您本人的订单。",
                $"I couldn't find order {orderId}. Please check the number; I can only show your own orders.");
        }

        return DialogStep.Complete<OrderLookupState>();
    }

    // "2" is a pick from the list, not an order id, when the list has a second entry.
    private static bool IsPickNumber(string? text, OrderLookupState state) => ChoiceParser.Pick(text, state.Choices.Count) is not null;

    private string List(IReadOnlyList<Order> recent, bool english)
    {
        var text = new StringBuilder(english ? "Your recent orders:\n" : "您最近的订单：\n");
        for (var i = 0; i < recent.Count; i++)
        {
            text.AppendLine(OrderText.ListLine(i + 1, recent[i], english, Zone));
        }

        text.Append(english ? "Reply with a number to see one." : "回复序号查看详情。");
        return text.ToString();
    }
}
