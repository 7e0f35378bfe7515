using System.Text;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// WeChat takes one message per passive reply, and a text message of about 2,048 bytes (not
/// characters: a Chinese character is 3). Consecutive texts are joined into one while they fit, a
/// longer text is split at sentence ends, and whatever does not fit the passive reply goes out
/// through the customer-service API.
/// </summary>
internal static class WeChatReplyPlan
{
    /// <summary>A text message's size in UTF-8 bytes, with room to spare below WeChat's limit.</summary>
    public const int MaxTextBytes = 2000;

    private static readonly char[] SentenceEnds = ['。', '！', '？', '；', '\n', '.', '!', '?', ';'];

    public static Reply? ForPassive(IReadOnlyList<Reply> replies, out IReadOnlyList<Reply> pushed)
    {
        var merged = Merge(replies);
        if (merged is [{ PhotoId: not null }, ..])
        {
            // A picture or video of the bot's own must be uploaded first: no passive reply can carry it.
            pushed = [.. merged];
            return null;
        }

        pushed = merged.Count > 1 ? merged.Skip(1).ToArray() : [];
        return merged.Count > 0 ? merged[0] : null;
    }

    public static IReadOnlyList<Reply> Merge(IReadOnlyList<Reply> replies)
    {
        var merged = new List<Reply>(replies.Count);
        foreach (var reply in replies)
        {
            foreach (
                var piece in reply.Kind == ReplyKind.Text ? Split(reply.Text ?? "").Select(Reply.FromText) : [reply]
            )
            {
                if (
                    piece.Kind == ReplyKind.Text
                    && merged.Count > 0
                    && merged[^1].Kind == ReplyKind.Text
                    && Bytes(merged[^1].Text + "\n\n" + piece.Text) <= MaxTextBytes
                )
                {
                    merged[^1] = Reply.FromText(merged[^1].Text + "\n\n" + piece.Text);
                }
                else
                {
                    merged.Add(piece);
                }
            }
        }

        return merged;
    }

    /// <summary>The text in pieces of at most <see cref="MaxTextBytes"/>, cut after a nearby sentence end.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var pieces = new List<string>();
        var rest = text;
        while (Bytes(rest) > MaxTextBytes)
        {
            var fits = FittingChars(rest);
            var cut = rest.LastIndexOfAny(SentenceEnds, fits - 1);
            var at = cut >= fits / 2 ? cut + 1 : fits; // no sentence end in the second half: cut mid-sentence
            pieces.Add(rest[..at].TrimEnd());
            rest = rest[at..].TrimStart();
        }

        pieces.Add(rest);
        return pieces;
    }

    // How many chars from the start fit in MaxTextBytes, never splitting a surrogate pair.
    private static int FittingChars(string text)
    {
        var bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var width =
                char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 4 : Encoding.UTF8.GetByteCount(text[i..(i + 1)]);
            if (bytes + width > MaxTextBytes)
            {
                return i;
            }

            bytes += width;
            if (width == 4)
            {
                i++;
            }
        }

        return text.Length;
    }

    private static int Bytes(string? text) => Encoding.UTF8.GetByteCount(text ?? "");
}
