using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// WeChat takes one message per passive reply. Consecutive texts are joined into one; whatever
/// still does not fit goes out through the customer-service API.
/// </summary>
internal static class WeChatReplyPlan
{
    public static Reply? ForPassive(IReadOnlyList<Reply> replies, out IReadOnlyList<Reply> pushed)
    {
        var merged = Merge(replies);
        pushed = merged.Count > 1 ? merged.Skip(1).ToArray() : [];
        return merged.Count > 0 ? merged[0] : null;
    }

    public static IReadOnlyList<Reply> Merge(IReadOnlyList<Reply> replies)
    {
        var merged = new List<Reply>(replies.Count);
        foreach (var reply in replies)
        {
            if (reply.Kind == ReplyKind.Text && merged.Count > 0 && merged[^1].Kind == ReplyKind.Text)
            {
                merged[^1] = Reply.FromText(merged[^1].Text + "\n\n" + reply.Text);
            }
            else
            {
                merged.Add(reply);
            }
        }

        return merged;
    }
}
