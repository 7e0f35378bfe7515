using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// "TD", "退订", "unsubscribe", "stop" (alone, in any state, mid-dialog or while an agent owns the
/// chat) and unfollowing the account revoke every notice consent at once.
/// </summary>
internal sealed class UnsubscribeCommand(TimeProvider time) : IGlobalCommand
{
    private static readonly string[] Words = ["td", "退订", "unsubscribe", "stop"];

    public Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (activity.IsEvent("unsubscribe"))
        {
            RevokeAll(turn, ConsentSource.Unfollow, "unfollowed the account");
            return Task.FromResult(true);
        }

        var text = activity.Text?.Trim().TrimEnd('.', '。', '!', '！');
        if (!activity.IsMessage || text is null || !Words.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return Task.FromResult(false);
        }

        RevokeAll(turn, ConsentSource.Keyword, text);
        turn.SendText(
            "已退订：物流通知和优惠活动通知都不会再发给您。需要时回复“通知”可以重新开启。",
            "Unsubscribed: you will get no more delivery or promotion notices. Reply \"notifications\" to turn them back on.");
        return Task.FromResult(true);
    }

    private void RevokeAll(TurnContext turn, ConsentSource source, string text)
    {
        var now = time.GetUtcNow();
        Consents.Record(turn, [.. Enum.GetValues<NoticeTopic>().Select(topic => new ConsentChange(topic, false, now, source, text))]);
    }
}
