using System.Text;
using System.Xml;
using FsCheck;
using FsCheck.Fluent;
using ServiceBot.Bot.Channels.WeChat;

namespace ServiceBot.Tests.Channels.WeChat;

/// <summary>
/// Hostile input at scale: random and mutated WeChat messages and ciphertexts. The webhook turns an
/// XmlException or FormatException into a 400; anything else would be a 500, so nothing else may escape.
/// </summary>
public sealed class WeChatFuzzTests
{
    private const int Inputs = 100_000;
    private const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string Head =
        "<ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser_1-x]]></FromUserName>"
        + "<CreateTime>1700000000</CreateTime>";

    private static readonly string[] Samples =
    [
        $"<xml>{Head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[查订单]]></Content>"
            + $"<MsgId>1234567890123456</MsgId></xml>",
        $"<xml>{Head}<MsgType>image</MsgType><PicUrl>http://mmbiz.example/p.jpg</PicUrl>"
            + $"<MediaId>media-1</MediaId><MsgId>1</MsgId></xml>",
        $"<xml>{Head}<MsgType>voice</MsgType><MediaId>v</MediaId><Format>amr</Format><Recognition>"
            + $"<![CDATA[你好]]></Recognition><MsgId>2</MsgId></xml>",
        $"<xml>{Head}<MsgType>location</MsgType><Location_X>31.2</Location_X><Location_Y>121.4</Location_Y>"
            + $"<Scale>15</Scale><Label>上海</Label><MsgId>3</MsgId></xml>",
        $"<xml>{Head}<MsgType>link</MsgType><Title>t</Title><Description>d</Description>"
            + $"<Url>https://x.example</Url><MsgId>4</MsgId></xml>",
        $"<xml>{Head}<MsgType>event</MsgType><Event>CLICK</Event><EventKey>ORDER_STATUS</EventKey></xml>",
        $"<xml>{Head}<MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>"
            + $"<SubscribeMsgPopupEvent><List><TemplateId>t1</TemplateId>"
            + $"<SubscribeStatusString>accept</SubscribeStatusString></List></SubscribeMsgPopupEvent></xml>",
    ];

    private static readonly string[] Inserts =
    [
        "<",
        ">",
        "&",
        "&amp;",
        "&xxe;",
        "<!DOCTYPE xml [<!ENTITY x \"y\">]>",
        "<![CDATA[",
        "]]>",
        "</xml>",
        "<xml>",
        "\0",
        "\uFFFF",
        "\uD800",
        "99999999999999999999999999",
        "-1",
        "<MsgId>x</MsgId>",
        "<FromUserName></FromUserName>",
        "<CreateTime>-999999999999</CreateTime>",
        "<Location_X>NaN</Location_X>",
        "<Scale>1e309</Scale>",
        "<List>",
        "</List>",
        "<?xml version=\"1.0\"?>",
        "<!-- c -->",
        "🙂",
    ];

    private static Gen<string> Mutated() =>
        from sample in Gen.Elements(Samples)
        from edits in Gen.Choose(1, 4)
        from seeds in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), edits * 3)
        select Mutate(sample, seeds);

    private static string Mutate(string text, int[] seeds)
    {
        var builder = new StringBuilder(text);
        for (var i = 0; i + 2 < seeds.Length; i += 3)
        {
            var at = builder.Length == 0 ? 0 : seeds[i + 1] % builder.Length;
            switch (seeds[i] % 4)
            {
                case 0:
                    builder.Remove(at, Math.Min(seeds[i + 2] % 12 + 1, builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, Inserts[seeds[i + 2] % Inserts.Length]);
                    break;
                case 2:
                    builder.Insert(at, (char)(seeds[i + 2] % 0x3000));
                    break;
                default:
                    var copy = builder.ToString(at, Math.Min(seeds[i + 2] % 40 + 1, builder.Length - at));
                    builder.Insert(seeds[i + 2] % (builder.Length + 1), copy);
                    break;
            }
        }

        return builder.ToString();
    }

    private static bool ParsesOrIsRefused(string xml)
    {
        try
        {
            var activity = WeChatActivityMapper.Map(WeChatXml.Parse(xml));
            return activity is null || (activity.Id.Length > 0 && activity.Conversation.UserId.Length > 0);
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            return true;
        }
    }

    /// <summary>
    /// Found by this test: an element nested in a popup entry's field made the parser read past the
    /// end of the message and then loop at the end of input forever, one thread per request.
    /// </summary>
    [Fact(Timeout = 10_000)]
    public Task APopupEntryWithNestedContent_IsParsedAndEnds() =>
        Task.Run(
            () =>
            {
                var xml = WeChatXml.Parse(
                    $"<xml>{Head}<MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>"
                        + $"<SubscribeMsgPopupEvent><List><TemplateId>t1</TemplateId>"
                        + "<SubscribeStatusString>acc<FromUserName>"
                        + "</FromUserName>ept</SubscribeStatusString></List></SubscribeMsgPopupEvent></xml>"
                );

                Assert.Equal("t1", Assert.Single(xml.Lists)["TemplateId"]);
                Assert.Equal("subscribe_msg_popup_event", xml["Event"]);
            },
            TestContext.Current.CancellationToken
        );

    [Fact(Timeout = 120_000)]
    public Task MutatedMessages_AreParsedOrRefusedWithA400_NeverAnythingElse() =>
        Task.Run(
            () =>
            {
                // Drawn from the generator at every size FsCheck uses, and checked one by one: a failure names its
                // input.
                var checkedInputs = 0;
                for (var size = 0; size < 100; size++)
                {
                    foreach (var xml in Mutated().Sample(Inputs / 100, size))
                    {
                        Assert.True(ParsesOrIsRefused(xml), xml);
                        checkedInputs++;
                    }
                }

                Assert.Equal(Inputs, checkedInputs);
            },
            TestContext.Current.CancellationToken
        );

    [Fact]
    public void RandomText_IsParsedOrRefusedWithA400() =>
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(Inputs / 5),
            Prop.ForAll<string>(text => ParsesOrIsRefused(text ?? ""))
        );

    [Fact]
    public void CorruptedCiphertexts_AreRefusedWithAReason_NeverThrow()
    {
        var crypto = new WeChatCrypto(Key, "wxtestapp");
        var valid = Samples.Select(crypto.Encrypt).ToArray();
        var corrupted =
            from cipher in Gen.Elements(valid)
            from seeds in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 6)
            select Mutate(cipher, seeds);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(Inputs / 2),
            Prop.ForAll(corrupted.ToArbitrary(), cipher =>
                crypto.TryDecrypt(cipher, out var message, out var failure) ? message.Length > 0 : failure.Length > 0
            )
        );
    }
}
