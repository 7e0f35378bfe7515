namespace ServiceBot.Services.Conversations;

internal enum ReplyKind
{
    Text,
    Image,
    News,
    Video,
}

/// <summary>
/// Something the bot says, channel-neutral. A flat record (no subtypes) because replies are
/// stored with the activity they answer, so a channel retry gets the very same answer.
/// </summary>
internal sealed record Reply
{
    public required ReplyKind Kind { get; init; }

    public string? Text { get; init; }

    /// <summary>For images: the channel's media id of an uploaded picture.</summary>
    public string? MediaId { get; init; }

    /// <summary>For images: a picture in the bot's own photo store, which the channel uploads itself.</summary>
    public string? PhotoId { get; init; }

    public IReadOnlyList<Card> Cards { get; init; } = [];

    public static Reply FromText(string text) => new() { Kind = ReplyKind.Text, Text = text };

    public static Reply FromImage(string mediaId) => new() { Kind = ReplyKind.Image, MediaId = mediaId };

    public static Reply FromPhoto(string photoId) => new() { Kind = ReplyKind.Image, PhotoId = photoId };

    /// <summary>A short video of the bot's own (in the photo store), with a title the channel may show.</summary>
    public static Reply FromVideo(string photoId, string title) =>
        new()
        {
            Kind = ReplyKind.Video,
            PhotoId = photoId,
            Text = title,
        };

    public static Reply FromCards(IReadOnlyList<Card> cards) => new() { Kind = ReplyKind.News, Cards = cards };
}

/// <summary>One article of a news reply: a title, a line of text, a link and a picture.</summary>
internal sealed record Card(string Title, string? Description, Uri? Url, Uri? PictureUrl);
