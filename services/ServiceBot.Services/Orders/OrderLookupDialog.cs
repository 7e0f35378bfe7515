using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Understanding;

namespace ServiceBot.Services.Orders;

/// <summary>
/// While the customer picks from a list (the order ids shown) or, for <see cref="Binding"/>, gives the
/// phone's last four digits; and how many answers missed.
/// </summary>
internal sealed record OrderLookupState(IReadOnlyList<string> Choices, int Misses, string? Binding = null);

[JsonSerializable(typeof(OrderLookupState))]
internal sealed partial class OrderDialogJsonContext : JsonSerializerContext;

/// <summary>
/// "Where is my parcel?": an order id in the message is shown if it is the customer's own; else
/// one recent order is shown at once, several are listed to pick by number or id. An order from
/// the shop that no customer has yet is bound by the last four digits of the phone on it (five
/// wrong tries a day). Someone else's order id gets the same answer as an id that does not exist.
/// </summary>
internal sealed class OrderLookupDialog(
    OrderStore orders,
    IOptions<ShopOptions> shop,
    IEnumerable<INoticeOffers> offers,
    TimeProvider time
) : Dialog<OrderLookupState>(OrderDialogJsonContext.Default.OrderLookupState), IChoiceDialog
{
    private readonly INoticeOffers[] _offers = [.. offers];

    public const string DialogId = "orders.lookup";
    private const int MaxListed = 5;
    private const int MaxMisses = 2;

    public override string Id => DialogId;

    private TimeZoneInfo Zone => shop.Value.Zone;

    protected override async Task<DialogStep<OrderLookupState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
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
                // "Send me the order number" leads somewhere: the next message is read as one.
                context.SendText(OrderText.NoOrdersFound(context.IsEnglish));
                return DialogStep.Wait(new OrderLookupState([], 0));
            case 1:
                ShowDetail(context, recent[0]);
                return DialogStep.Complete<OrderLookupState>();
            default:
                context.SendText(OrderText.RecentOrders(recent, context.IsEnglish, Zone));
                return DialogStep.Wait(new OrderLookupState([.. recent.Select(o => o.OrderId)], 0));
        }
    }

    protected override async Task<DialogStep<OrderLookupState>> OnContinueAsync(
        DialogContext context,
        OrderLookupState state,
        CancellationToken cancellationToken
    )
    {
        var customer = context.Activity.Conversation.UserId;
        if (state.Binding is { } binding)
        {
            return await BindAsync(context, state, binding, cancellationToken);
        }

        if (OrderIds.FindIn(context.Text) is [var id, ..] && !IsPickNumber(context.Text, state))
        {
            return await ShowByIdAsync(context, id, customer, cancellationToken);
        }

        if (state.Choices.Count == 0)
        {
            return await OnBeginAsync(context, cancellationToken); // no number after all: a lookup as any other
        }

        if (ChoiceParser.Pick(context.Text, state.Choices.Count) is { } pick)
        {
            return await ShowByIdAsync(context, state.Choices[pick - 1], customer, cancellationToken);
        }

        if (state.Misses + 1 >= MaxMisses)
        {
            context.SendText(OrderText.StillNotUnderstood(context.IsEnglish));
            return DialogStep.Complete<OrderLookupState>();
        }

        context.SendText(OrderText.PickByNumberOrId(state.Choices.Count, context.IsEnglish));
        return DialogStep.Wait(state with { Misses = state.Misses + 1 });
    }

    private async Task<DialogStep<OrderLookupState>> ShowByIdAsync(
        DialogContext context,
        string orderId,
        string customer,
        CancellationToken cancellationToken
    )
    {
        var order = OrderIds.IsValid(orderId) ? await orders.GetAsync(orderId, cancellationToken) : null;
        if (order is not null && order.OpenId == customer)
        {
            ShowDetail(context, order);
            return DialogStep.Complete<OrderLookupState>();
        }

        if (order is { OpenId: null, PhoneTail: not null })
        {
            var state = new OrderLookupState([], 0, orderId);
            if (PhoneTails.FindIn(context.Text, except: orderId) is not null)
            {
                return await BindAsync(context, state, orderId, cancellationToken); // "A1001 1234" in one go
            }

            context.SendText(OrderText.AskPhoneTail(orderId, context.IsEnglish));
            return DialogStep.Wait(state);
        }

        context.SendText(OrderText.OrderNotFound(orderId, context.IsEnglish));
        return DialogStep.Complete<OrderLookupState>();
    }

    private async Task<DialogStep<OrderLookupState>> BindAsync(
        DialogContext context,
        OrderLookupState state,
        string orderId,
        CancellationToken cancellationToken
    )
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
        var tries =
            PhoneTails.Tries.Get(context.Turn) is { } kept && kept.Day == today ? kept : new BindingTries(today, 0);
        if (tries.Wrong >= PhoneTails.MaxWrongPerDay)
        {
            context.SendText(OrderText.TooManyTries(context.IsEnglish));
            return DialogStep.Complete<OrderLookupState>();
        }

        if (PhoneTails.FindIn(context.Text, except: orderId) is not { } given)
        {
            if (state.Misses + 1 >= MaxMisses)
            {
                context.SendText(OrderText.StillNotUnderstood(context.IsEnglish));
                return DialogStep.Complete<OrderLookupState>();
            }

            context.SendText(OrderText.AskPhoneTail(orderId, context.IsEnglish));
            return DialogStep.Wait(state with { Misses = state.Misses + 1 });
        }

        var order = await orders.GetAsync(orderId, cancellationToken);
        if (order is not { OpenId: null, PhoneTail: { } tail } || !PhoneTails.Matches(tail, given))
        {
            var wrong = tries with { Wrong = tries.Wrong + 1 };
            PhoneTails.Tries.Set(context.Turn, wrong);
            if (wrong.Wrong >= PhoneTails.MaxWrongPerDay)
            {
                context.SendText(OrderText.TooManyTries(context.IsEnglish));
                return DialogStep.Complete<OrderLookupState>();
            }

            context.SendText(OrderText.PhoneTailWrong(PhoneTails.MaxWrongPerDay - wrong.Wrong, context.IsEnglish));
            return DialogStep.Wait(state);
        }

        var (outcome, bound) = await orders.BindToCustomerAsync(
            orderId,
            context.Activity.Conversation.UserId,
            cancellationToken
        );
        if (outcome is BindOutcome.Bound or BindOutcome.AlreadyYours && bound is not null)
        {
            ShowDetail(context, bound, OrderText.Bound(orderId, context.IsEnglish) + "\n");
        }
        else
        {
            context.SendText(OrderText.OrderNotFound(orderId, context.IsEnglish)); // bound by another meanwhile
        }

        return DialogStep.Complete<OrderLookupState>();
    }

    // "2" is a pick from the list, not an order id, when the list has a second entry.
    private static bool IsPickNumber(string? text, OrderLookupState state) =>
        ChoiceParser.Pick(text, state.Choices.Count) is not null;

    // An order still on its way is the moment to offer delivery notices, in the same message.
    private void ShowDetail(DialogContext context, Order order, string before = "")
    {
        var detail = before + OrderText.Detail(order, context.IsEnglish, Zone);
        var onItsWay =
            order.Status is not (OrderStatus.Delivered or OrderStatus.Cancelled)
            && order.Shipment?.Status is not ShipmentStatus.Delivered;
        var offer = onItsWay
            ? _offers.Select(o => o.AfterOrderShown(context.Turn)).FirstOrDefault(o => o is not null)
            : null;
        context.SendText(offer is null ? detail : $"{detail}\n\n{offer}");
    }
}
