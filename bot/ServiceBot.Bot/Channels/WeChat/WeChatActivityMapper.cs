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
            var reports = DeliveryReports(name, xml);
            return new Activity
            {
                // Reports in the same second to one user are told apart by the msgid they report on.
                Id =
                    reports.Count > 0
                        ? $"{from}:{createTime}:{name}:{reports[0].MessageId}"
                        : $"{from}:{createTime}:{name}",
                Type = ActivityType.Event,
                Conversation = conversation,
                Timestamp = timestamp,
                EventName = name,
                EventKey = xml["EventKey"],
                TemplateConsents =
                [
                    .. xml
                        .Lists.Where(l => l.ContainsKey("TemplateId") && l.ContainsKey("SubscribeStatusString"))
                        .Select(l => new TemplateConsent(l["TemplateId"], l["SubscribeStatusString"] == "accept")),
                ],
                DeliveryReports = reports,
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

    // TEMPLATESENDJOBFINISH: Status "success", "failed:user block" or "failed: system failed".
    // subscribe_msg_sent_event: per template, ErrorCode 0, 43101 (the user refused), or another failure.
    private static IReadOnlyList<DeliveryReport> DeliveryReports(string name, WeChatXml xml) =>
        name switch
        {
            "TEMPLATESENDJOBFINISH" when xml["Status"] is { Length: > 0 } status =>
            [
                new DeliveryReport(
                    Digits(xml["MsgID"]),
                    null,
                    status switch
                    {
                        "success" => DeliveryReportOutcome.Delivered,
                        _ when status.Contains("block", StringComparison.OrdinalIgnoreCase) =>
                            DeliveryReportOutcome.UserBlocked,
                        _ => DeliveryReportOutcome.SystemFailure,
                    },
                    status,
                    Subscribe: false
                ),
            ],
            "subscribe_msg_sent_event" =>
            [
                .. xml
                    .Lists.Where(l => l.ContainsKey("ErrorCode"))
                    .Select(l => new DeliveryReport(
                        Digits(l.GetValueOrDefault("MsgID")),
                        NullIfEmpty(l.GetValueOrDefault("TemplateId")),
                        l["ErrorCode"] switch
                        {
                            "0" => DeliveryReportOutcome.Delivered,
                            "43101" => DeliveryReportOutcome.UserBlocked,
                            _ => DeliveryReportOutcome.SystemFailure,
                        },
                        l.GetValueOrDefault("ErrorStatus") ?? l["ErrorCode"],
                        Subscribe: true
                    )),
            ],
            _ => [],
        };

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

    private static string? Digits(string? value) =>
        value is { Length: > 0 and <= 24 } && value.All(char.IsAsciiDigit) ? value : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Uri? UriOrNull(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
}
