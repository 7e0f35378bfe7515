using System.Text.Json;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Bot.Channels.WeChat.Api;

/// <summary>Request bodies of the WeChat APIs the bot calls.</summary>
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
                case ReplyKind.Video:
                    json.WriteString("msgtype", "video");
                    json.WriteStartObject("video");
                    json.WriteString("media_id", reply.MediaId);
                    json.WriteString("title", reply.Text ?? "");
                    json.WriteString("description", "");
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

            WriteData(json, data);
        });

    private static void WriteData(Utf8JsonWriter json, IReadOnlyDictionary<string, string> data)
    {
        json.WriteStartObject("data");
        foreach (var (key, value) in data)
        {
            json.WriteStartObject(key);
            json.WriteString("value", value);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public static byte[] TemplateMessage(
        string openId,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        Uri? url,
        string clientMsgId
    ) =>
        Write(json =>
        {
            json.WriteString("touser", openId);
            json.WriteString("template_id", templateId);
            if (url is not null)
            {
                json.WriteString("url", url.AbsoluteUri);
            }

            json.WriteString("client_msg_id", clientMsgId);
            WriteData(json, data);
        });

    public static byte[] QrCode(string scene, int expireSeconds) =>
        Write(json =>
        {
            json.WriteNumber("expire_seconds", expireSeconds);
            json.WriteString("action_name", "QR_STR_SCENE");
            json.WriteStartObject("action_info");
            json.WriteStartObject("scene");
            json.WriteString("scene_str", scene);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    public static byte[] StableToken(string appId, string secret, bool forceRefresh) =>
        Write(json =>
        {
            json.WriteString("grant_type", "client_credential");
            json.WriteString("appid", appId);
            json.WriteString("secret", secret);
            json.WriteBoolean("force_refresh", forceRefresh);
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
