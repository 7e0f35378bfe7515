using System.Text.Json;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>Request bodies of the customer-service and subscribe-message APIs.</summary>
internal static class WeChatApiJson
{
    public static byte[] CustomerMessage(string openId, Reply reply) =>
        Write(json =>
        {
            json.WriteString("touser", openId);
            switch (reply.Kind)
            {
                case ReplyKind.Image:
                    json.WriteString("msgtype", "image");
                    json.WriteStartObject("image");
                    json.WriteString("media_id", reply.MediaId);
                    json.WriteEndObject();
                    break;
                case ReplyKind.News:
                    json.WriteString("msgtype", "news");
                    json.WriteStartObject("news");
                    json.WriteStartArray("articles");
                    foreach (var card in reply.Cards.Take(1))
                    {
                        json.WriteStartObject();
                        json.WriteString("title", card.Title);
                        json.WriteString("description", card.Description ?? "");
                        json.WriteString("url", card.Url?.AbsoluteUri ?? "");
                        json.WriteString("picurl", card.PictureUrl?.AbsoluteUri ?? "");
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    break;
                default:
                    json.WriteString("msgtype", "text");
                    json.WriteStartObject("text");
                    json.WriteString("content", reply.Text);
                    json.WriteEndObject();
                    break;
            }
        });

    public static byte[] SubscribeMessage(
        string openId,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? page
    ) =>
        Write(json =>
        {
            json.WriteString("touser", openId);
            json.WriteString("template_id", templateId);
            if (page is not null)
            {
                json.WriteString("page", page.AbsoluteUri);
            }

            json.WriteStartObject("data");
            foreach (var (key, value) in data)
            {
                json.WriteStartObject(key);
                json.WriteString("value", value);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (
            var json = new Utf8JsonWriter(
                buffer,
                new JsonWriterOptions
                {
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }
            )
        )
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
