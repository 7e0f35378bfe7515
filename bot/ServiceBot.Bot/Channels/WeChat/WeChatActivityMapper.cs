using System.Globalization;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>Turns a WeChat message or event into a channel-neutral <see cref="Activity"/>.</summary>
internal static class WeChatActivityMapper
{
    public const string Channel = "wechat";

    /// <summary>
    /// Maps, or returns null for a message type we do not handle (WeChat adds types over time;
    /// they get <c>success</c>, not an error). Throws <see cref="FormatException"/> for a message
    /// missing what every WeChat message has.
    /// </summary>
    public static Activity? Map(WeChatXml xml)
    {
        var from = Required(xml, "FromUserName");
        if (from.Length > 64 || !from.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new FormatException("FromUserName is not an OpenID.");
        }

        _ = Required(xml, "ToUserName");
        if (
            !long.TryParse(
                Required(xml, "CreateTime"),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out var createTime
            )
            || createTime > 100_000_000_000
        )
        {
            throw new FormatException("CreateTime is not a Unix time.");
        }

        var conversation = new ConversationReference(Channel, from);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(createTime);
        var type = Required(xml, "MsgType");
        if (type == "event")
        {
            var name = Required(xml, "Event");
            return new Activity
            {
                Id = $"{from}:{createTime}:{name}",
                Type = ActivityType.Event,
                Conversation = conversation,
                Timestamp = timestamp,
                EventName = name,
                EventKey = xml["EventKey"],
                TemplateConsents =
                [
                    .. xml
                        .Lists.Where(l => l.ContainsKey("TemplateId"))
                        .Select(l => new TemplateConsent(
                            l["TemplateId"],
                            l.GetValueOrDefault("SubscribeStatusString") == "accept"
                        )),
                ],
            };
        }

        var message = new Activity
        {
            Id = MessageId(xml),
            Type = ActivityType.Message,
            Conversation = conversation,
            Timestamp = timestamp,
        };
        return type switch
        {
            "text" => message with { Kind = MessageKind.Text, Text = xml["Content"] ?? "" },
            "image" => message with
            {
                Kind = MessageKind.Image,
                Media = MediaAttachment.Image(xml["MediaId"], UriOrNull(xml["PicUrl"])),
            },
            "voice" => message with
            {
                Kind = MessageKind.Voice,
                Text = NullIfEmpty(xml["Recognition"]),
                Media = MediaAttachment.Voice(xml["MediaId"], xml["Format"]),
            },
            "video" or "shortvideo" => message with
            {
                Kind = MessageKind.Video,
                Media = MediaAttachment.Video(xml["MediaId"], xml["ThumbMediaId"]),
            },
            "location" => message with
            {
                Kind = MessageKind.Location,
                Location = new GeoLocation(
                    Number(xml, "Location_X"),
                    Number(xml, "Location_Y"),
                    (int)Number(xml, "Scale"),
                    xml["Label"]
                ),
            },
            "link" => message with
            {
                Kind = MessageKind.Link,
                Link = new LinkPreview(xml["Title"] ?? "", xml["Description"], UriOrNull(xml["Url"])),
            },
            _ => null,
        };
    }

    private static string MessageId(WeChatXml xml)
    {
        var id = Required(xml, "MsgId");
        return ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? id
            : throw new FormatException("MsgId is not a number.");
    }

    private static string Required(WeChatXml xml, string name) =>
        xml[name] is { Length: > 0 } value ? value : throw new FormatException($"{name} is missing.");

    private static double Number(WeChatXml xml, string name) =>
        double.TryParse(xml[name], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value)
            ? value
            : throw new FormatException($"{name} is not a number.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Uri? UriOrNull(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
}
