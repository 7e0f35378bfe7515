using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Orders;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Understanding;

namespace ServiceBot.Services.Returns;

/// <summary>
/// "It arrived broken": pick the order and item, what the customer wants (return, exchange or
/// refund only; said in the opening words or picked), how many, a reason, 1-3 photos, confirm, get
/// an RMA number. The RMA id comes from the confirming message's id and is created if absent, so a
/// retried confirmation never opens a second return.
/// </summary>
internal sealed class ReturnDialog(
    OrderStore orders,
    ReturnStore returns,
    CustomerPhotos photos,
    TimeProvider time,
    IOptions<ReturnsOptions> options
) : Dialog<ReturnDraft>(ReturnsJsonContext.Default.ReturnDraft)
{
    public const string DialogId = "returns.open";
    private static readonly string[] DoneWords =
    [
        "好了",
        "发完了",
        "完成",
        "没有了",
        "就这些",
        "done",
        "finished",
        "that's all",
        "no more",
    ];

    public override string Id => DialogId;

    private ReturnsOptions Options => options.Value;

    protected override async Task<DialogStep<ReturnDraft>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        var customer = context.Activity.Conversation.UserId;
        var recent = await orders.ListForCustomerAsync(customer, 5, cancellationToken);
        if (
            OrderIds.FindIn(context.Text) is [var id, ..]
            && await orders.GetForCustomerAsync(id, customer, cancellationToken) is { } named
        )
        {
            return await OrderChosenAsync(context, named, ReturnText.KindIn(context.Text), cancellationToken);
        }

        switch (recent.Count)
        {
            case 0:
                context.SendText(ReturnText.NoOrdersToReturn(context.IsEnglish));
                return DialogStep.Complete<ReturnDraft>();
            case 1:
                return await OrderChosenAsync(context, recent[0], ReturnText.KindIn(context.Text), cancellationToken);
            default:
                context.SendText(ReturnText.OrderList(recent, context.IsEnglish));
                return DialogStep.Wait(
                    ReturnDraft.PickingOrder([.. recent.Select(o => o.OrderId)]) with
                    {
                        Kind = ReturnText.KindIn(context.Text),
                    }
                );
        }
    }

    protected override async Task<DialogStep<ReturnDraft>> OnContinueAsync(
        DialogContext context,
        ReturnDraft draft,
        CancellationToken cancellationToken
    ) =>
        draft.Step switch
        {
            ReturnStep.PickOrder => await PickOrderAsync(context, draft, cancellationToken),
            ReturnStep.PickItem => await PickItemAsync(context, draft, cancellationToken),
            ReturnStep.PickKind => PickKind(context, draft),
            ReturnStep.PickQuantity => PickQuantity(context, draft),
            ReturnStep.PickReason => PickReason(context, draft),
            ReturnStep.Photos => await PhotoAsync(context, draft, cancellationToken),
            _ => await ConfirmAsync(context, draft, cancellationToken),
        };

    private async Task<DialogStep<ReturnDraft>> PickOrderAsync(
        DialogContext context,
        ReturnDraft draft,
        CancellationToken cancellationToken
    )
    {
        var customer = context.Activity.Conversation.UserId;
        var id =
            ChoiceParser.Pick(context.Text, draft.Choices.Count) is { } pick ? draft.Choices[pick - 1]
            : OrderIds.FindIn(context.Text) is [var typed, ..] ? typed
            : null;
        return id is not null && await orders.GetForCustomerAsync(id, customer, cancellationToken) is { } order
            ? await OrderChosenAsync(context, order, draft.Kind, cancellationToken)
            : Miss(context, draft, ReturnText.PickOrderByNumber(draft.Choices.Count, context.IsEnglish));
    }

    private async Task<DialogStep<ReturnDraft>> OrderChosenAsync(
        DialogContext context,
        Order order,
        ReturnKind? kind,
        CancellationToken cancellationToken
    )
    {
        var existing = await returns.ListForCustomerAsync(context.Activity.Conversation.UserId, cancellationToken);
        if (ReturnEligibility.Check(order, null, existing, time.GetUtcNow(), Options.WindowDays) is { } why)
        {
            return Ineligible(context, why);
        }

        var draft = ReturnDraft.PickingItem(order.OrderId, [.. order.Items.Select(i => i.Sku)]) with { Kind = kind };
        if (order.Items.Count == 1)
        {
            return await ItemChosenAsync(context, order, order.Items[0].Sku, draft, cancellationToken);
        }

        context.SendText(ReturnText.ItemList(order, context.IsEnglish));
        return DialogStep.Wait(draft);
    }

    private async Task<DialogStep<ReturnDraft>> PickItemAsync(
        DialogContext context,
        ReturnDraft draft,
        CancellationToken cancellationToken
    )
    {
        var order = await orders.GetForCustomerAsync(
            draft.OrderId!,
            context.Activity.Conversation.UserId,
            cancellationToken
        );
        return order is not null && ChoiceParser.Pick(context.Text, draft.Choices.Count) is { } pick
            ? await ItemChosenAsync(context, order, draft.Choices[pick - 1], draft, cancellationToken)
            : Miss(context, draft, ReturnText.PickItemByNumber(draft.Choices.Count, context.IsEnglish));
    }

    private async Task<DialogStep<ReturnDraft>> ItemChosenAsync(
        DialogContext context,
        Order order,
        string sku,
        ReturnDraft draft,
        CancellationToken cancellationToken
    )
    {
        var existing = await returns.ListForCustomerAsync(context.Activity.Conversation.UserId, cancellationToken);
        if (ReturnEligibility.Check(order, sku, existing, time.GetUtcNow(), Options.WindowDays) is { } why)
        {
            return Ineligible(context, why);
        }

        var bought = order.Items.Where(i => i.Sku == sku).Sum(i => i.Quantity);
        return Next(context, draft with { Sku = sku, Choices = [], Misses = 0, Bought = Math.Max(1, bought) });
    }

    // The next question the draft still needs answered: the kind, then how many, then why.
    private static DialogStep<ReturnDraft> Next(DialogContext context, ReturnDraft draft)
    {
        if (draft.Kind is null)
        {
            context.SendText(ReturnText.KindPrompt(context.IsEnglish));
            return DialogStep.Wait(draft with { Step = ReturnStep.PickKind, Misses = 0 });
        }

        if (draft.Bought > 1 && draft.Step != ReturnStep.PickQuantity)
        {
            context.SendText(ReturnText.QuantityPrompt(draft.Bought, context.IsEnglish));
            return DialogStep.Wait(draft with { Step = ReturnStep.PickQuantity, Misses = 0 });
        }

        context.SendText(ReturnText.ReasonPrompt(context.IsEnglish));
        return DialogStep.Wait(draft with { Step = ReturnStep.PickReason, Misses = 0 });
    }

    private static DialogStep<ReturnDraft> PickKind(DialogContext context, ReturnDraft draft) =>
        (ChoiceParser.Pick(context.Text, 3) is { } pick ? (ReturnKind)(pick - 1) : ReturnText.KindIn(context.Text))
            is { } kind
            ? Next(context, draft with { Kind = kind })
            : Miss(context, draft, ReturnText.KindPrompt(context.IsEnglish));

    private static DialogStep<ReturnDraft> PickQuantity(DialogContext context, ReturnDraft draft) =>
        ChoiceParser.Pick(context.Text, draft.Bought) is { } quantity
            ? Next(context, draft with { Quantity = quantity })
            : Miss(context, draft, ReturnText.QuantityPrompt(draft.Bought, context.IsEnglish));

    private DialogStep<ReturnDraft> PickReason(DialogContext context, ReturnDraft draft)
    {
        var reason =
            ChoiceParser.Pick(context.Text, ReturnText.Reasons.Length) is { } pick
                ? ReturnText.Reasons[pick - 1].English
            : context.Text is { Length: >= 2 } free && context.Activity.Kind == MessageKind.Text ? free
            : null;
        if (reason is null)
        {
            return Miss(context, draft, ReturnText.PickReasonByNumber(context.IsEnglish));
        }

        context.SendText(ReturnText.AskForPhotos(Options.MaxPhotos, context.IsEnglish));
        return DialogStep.Wait(draft with { Step = ReturnStep.Photos, Reason = reason, Misses = 0 });
    }

    private async Task<DialogStep<ReturnDraft>> PhotoAsync(
        DialogContext context,
        ReturnDraft draft,
        CancellationToken cancellationToken
    )
    {
        var activity = context.Activity;
        if (activity.Kind == MessageKind.Image)
        {
            if (await photos.KeepAsync(activity, Options.MaxPhotoBytes, cancellationToken) is not { } kept)
            {
                var limit = Options.MaxPhotoBytes / 1024 / 1024;
                context.SendText(ReturnText.PhotoNotReceived(limit, context.IsEnglish));
                return DialogStep.Wait(draft);
            }

            var all = draft.Photos.Append(new ReturnPhoto(kept.Id, kept.ContentType, kept.Length)).ToArray();
            if (all.Length >= Options.MaxPhotos)
            {
                return AskToConfirm(context, draft with { Photos = all });
            }

            context.SendText(ReturnText.PhotoReceived(all.Length, context.IsEnglish));
            return DialogStep.Wait(draft with { Photos = all });
        }

        if (DoneWords.Contains(context.Text?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
        {
            if (draft.Photos.Count > 0)
            {
                return AskToConfirm(context, draft);
            }

            context.SendText(ReturnText.NeedAtLeastOnePhoto(context.IsEnglish));
            return DialogStep.Wait(draft);
        }

        return Miss(context, draft, ReturnText.SendPhotosThenDone(context.IsEnglish));
    }

    private static DialogStep<ReturnDraft> AskToConfirm(DialogContext context, ReturnDraft draft)
    {
        context.SendText(ReturnText.Summary(draft, context.IsEnglish));
        return DialogStep.Wait(draft with { Step = ReturnStep.Confirm, Misses = 0 });
    }

    private async Task<DialogStep<ReturnDraft>> ConfirmAsync(
        DialogContext context,
        ReturnDraft draft,
        CancellationToken cancellationToken
    )
    {
        switch (YesNo.Parse(context.Text))
        {
            case true:
                var request = await CreateAsync(context.Activity, draft, cancellationToken);
                context.Turn.Raise(new ReturnRequested(request));
                context.SendText(ReturnText.Submitted(request.RmaId, request.Kind, context.IsEnglish));
                return DialogStep.Complete<ReturnDraft>(request.RmaId);
            case false:
                context.SendText(ReturnText.NotSubmitted(context.IsEnglish));
                return DialogStep.Complete<ReturnDraft>();
            default:
                return Miss(context, draft, ReturnText.ConfirmOrCancel(context.IsEnglish));
        }
    }

    private DialogStep<ReturnDraft> Ineligible(DialogContext context, IneligibleReason why)
    {
        context.SendText(ReturnText.Ineligible(why, Options.WindowDays, context.IsEnglish));
        return DialogStep.Complete<ReturnDraft>();
    }

    private static DialogStep<ReturnDraft> Miss(DialogContext context, ReturnDraft draft, string prompt)
    {
        if (draft.Misses >= 1)
        {
            context.SendText(ReturnText.StillNotUnderstood(context.IsEnglish));
            return DialogStep.Complete<ReturnDraft>();
        }

        context.SendText(prompt);
        return DialogStep.Wait(draft with { Misses = draft.Misses + 1 });
    }

    // The id comes from the confirming message, so a channel's retry finds the return it made; an id
    // taken by another return (a collision, however unlikely at 64 bits) is derived again, never ignored.
    private async Task<ReturnRequest> CreateAsync(Activity activity, ReturnDraft draft, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        for (var salt = 0; ; salt++)
        {
            var request = new ReturnRequest(
                ReturnIds.For(activity, now, salt),
                draft.OrderId!,
                activity.Conversation.UserId,
                draft.Sku!,
                draft.Reason!,
                ReturnStatus.Requested,
                draft.Photos,
                now,
                null,
                null,
                activity.Conversation
            )
            {
                Kind = draft.Kind ?? ReturnKind.Return,
                Quantity = draft.Quantity,
            };
            if (await returns.CreateAsync(request, ct))
            {
                return request;
            }

            if (
                await returns.GetAsync(request.RmaId, ct) is { Request: var existing }
                && existing.Conversation == activity.Conversation
                && existing.OrderId == request.OrderId
                && existing.Sku == request.Sku
            )
            {
                return existing; // this confirmation, retried
            }
        }
    }
}
