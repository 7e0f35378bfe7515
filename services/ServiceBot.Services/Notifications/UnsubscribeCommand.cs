using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Notifications;

/// <summary>
/// "TD", "退订", "取消订阅", "不要再发", "unsubscribe", "stop" (alone, in any state, mid-dialog or while an
/// agent owns the chat; full-width letters as typed on a Chinese keyboard count) and unfollowing the
/// account revoke every notice consent at once.
/// </summary>
internal sealed class UnsubscribeCommand(TimeProvider time) : IGlobalCommand
{
    private static readonly string[] Words = ["td", "退订", "取消订阅", "不要再发", "unsubscribe", "stop"];

    public Task<bool> TryHandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (activity.IsEvent("unsubscribe"))
        {
            RevokeAll(turn, ConsentSource.Unfollow, "unfollowed the account");
            return Task.FromResult(true);
        }

        // NFKC folds full-width "ＴＤ" and "！" into the ASCII a person means.
        var text = activity.Text?.Normalize(System.Text.NormalizationForm.FormKC).Trim().TrimEnd('.', '。', '!');
        if (!activity.IsMessage || text is null || !Words.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return Task.FromResult(false);
        }

        RevokeAll(turn, ConsentSource.Keyword, text);
        turn.SendText(NotificationText.Unsubscribed(turn.IsEnglish));
        return Task.FromResult(true);
    }

    private void RevokeAll(TurnContext turn, ConsentSource source, string text)
    {
        var now = time.GetUtcNow();
        Consents.Record(
            turn,
            [.. Enum.GetValues<NoticeTopic>().Select(topic => new ConsentChange(topic, false, now, source, text))]
        );
    }
}
