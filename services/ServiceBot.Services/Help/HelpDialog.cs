using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Help;

/// <summary>
/// "How do I use this?": answers with the best help article for the products the customer bought
/// when it is confident; otherwise, or for a photo, a person is offered and the request recorded.
/// </summary>
internal sealed class HelpDialog(HelpSearch search, OrderStore orders, IHandoffInbox handoff)
    : Dialog<HelpState>(HelpJsonContext.Default.HelpState)
{
    public const string DialogId = "help.usage";

    /// <summary>At least half of the question's terms must appear in the article.</summary>
    internal const double ConfidentCoverage = 0.5;

    public override string Id => DialogId;

    protected override async Task<DialogStep<HelpState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        if (context.Activity.Kind == MessageKind.Image)
        {
            return await EscalateAsync(context, "photo", cancellationToken);
        }

        var question = HelpTopic.StripTrigger(context.Text ?? "");
        if (question.Length < 2)
        {
            context.SendText(HelpText.AskForQuestion(context.IsEnglish));
            return DialogStep.Wait(new HelpState(0));
        }

        return await AnswerAsync(context, question, new HelpState(0), cancellationToken);
    }

    protected override async Task<DialogStep<HelpState>> OnContinueAsync(
        DialogContext context,
        HelpState state,
        CancellationToken cancellationToken
    )
    {
        if (context.Activity.Kind == MessageKind.Image)
        {
            return await EscalateAsync(context, "photo", cancellationToken);
        }

        return await AnswerAsync(context, HelpTopic.StripTrigger(context.Text ?? ""), state, cancellationToken);
    }

    private async Task<DialogStep<HelpState>> AnswerAsync(
        DialogContext context,
        string question,
        HelpState state,
        CancellationToken cancellationToken
    )
    {
        var customer = context.Activity.Conversation.UserId;
        var bought = (await orders.ListForCustomerAsync(customer, 20, cancellationToken))
            .SelectMany(o => o.Items)
            .Select(i => i.Sku)
            .ToHashSet();
        var match = await search.FindAsync(question, bought.Count > 0 ? bought : null, cancellationToken);
        if (match is { Coverage: >= ConfidentCoverage })
        {
            context.SendText(HelpText.Answer(match.Article, context.IsEnglish));
            if (match.Article.PhotoId is { } picture)
            {
                context.Send(Reply.FromPhoto(picture));
            }

            if (match.Article.VideoId is { } video)
            {
                context.Send(Reply.FromVideo(video, match.Article.Title));
            }

            return DialogStep.Complete<HelpState>();
        }

        if (state.Misses >= 1)
        {
            return await EscalateAsync(context, "help: no confident answer", cancellationToken);
        }

        context.SendText(HelpText.NoGoodAnswer(context.IsEnglish));
        return DialogStep.Wait(state with { Misses = state.Misses + 1 });
    }

    private async Task<DialogStep<HelpState>> EscalateAsync(
        DialogContext context,
        string reason,
        CancellationToken cancellationToken
    )
    {
        context.SendText(HelpText.NeedsAPerson(context.IsEnglish));
        await handoff.RequestAsync(context.Turn, reason, cancellationToken);
        return DialogStep.Complete<HelpState>();
    }
}
