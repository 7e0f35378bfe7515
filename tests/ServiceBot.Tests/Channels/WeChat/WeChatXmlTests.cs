using System.Xml;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Channels.WeChat;

public sealed class WeChatXmlTests
{
    private const string Head =
        "<ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser_1-x]]></FromUserName>"
        + "<CreateTime>1700000000</CreateTime>";

    [Fact]
    public void Map_Text_KeepsContentAndMsgId()
    {
        var activity = Map(
            $"<xml>{Head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[查订单 "
                + $"]]]]><![CDATA[>]]></Content><MsgId>1234567890123456</MsgId></xml>"
        );

        Assert.Equal(ActivityType.Message, activity.Type);
        Assert.Equal(MessageKind.Text, activity.Kind);
        Assert.Equal("查订单 ]]>", activity.Text);
        Assert.Equal("1234567890123456", activity.Id);
        Assert.Equal(new ConversationReference("wechat", "oUser_1-x"), activity.Conversation);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), activity.Timestamp);
    }

    [Fact]
    public void Map_Image_KeepsPicUrlAndMediaId()
    {
        var activity = Map(
            $"<xml>{Head}<MsgType>image</MsgType><PicUrl>http://mmbiz.example/p.jpg</PicUrl>"
                + $"<MediaId>media-1</MediaId><MsgId>1</MsgId></xml>"
        );

        Assert.Equal(MessageKind.Image, activity.Kind);
        Assert.Equal("media-1", activity.Media!.MediaId);
        Assert.Equal(new Uri("http://mmbiz.example/p.jpg"), activity.Media.Url);
    }

    [Fact]
    public void Map_Voice_UsesRecognitionAsText()
    {
        var activity = Map(
            $"<xml>{Head}<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format>"
                + $"<Recognition>我的快递到哪了</Recognition><MsgId>2</MsgId></xml>"
        );

        Assert.Equal(MessageKind.Voice, activity.Kind);
        Assert.Equal("我的快递到哪了", activity.Text);
        Assert.Equal("amr", activity.Media!.Format);
    }

    [Fact]
    public void Map_VideoLocationLink_AreMapped()
    {
        var video = Map(
            $"<xml>{Head}<MsgType>video</MsgType><MediaId>v</MediaId><ThumbMediaId>t</ThumbMediaId>"
                + $"<MsgId>3</MsgId></xml>"
        );
        var location = Map(
            $"<xml>{Head}<MsgType>location</MsgType><Location_X>23.134521</Location_X>"
                + $"<Location_Y>113.358803</Location_Y><Scale>20</Scale><Label>广州</Label><MsgId>4</MsgId></xml>"
        );
        var link = Map(
            $"<xml>{Head}<MsgType>link</MsgType><Title>t</Title><Description>d</Description>"
                + $"<Url>https://example.com/a</Url><MsgId>5</MsgId></xml>"
        );

        Assert.Equal("t", video.Media!.ThumbMediaId);
        Assert.Equal(new GeoLocation(23.134521, 113.358803, 20, "广州"), location.Location);
        Assert.Equal(new LinkPreview("t", "d", new Uri("https://example.com/a")), link.Link);
    }

    [Theory]
    [InlineData("subscribe", "qrscene_1")]
    [InlineData("unsubscribe", "")]
    [InlineData("SCAN", "123")]
    [InlineData("CLICK", "ORDER_STATUS")]
    [InlineData("VIEW", "https://example.com")]
    public void Map_Event_KeepsNameAndKey_IdIsUserTimeEvent(string name, string key)
    {
        var activity = Map(
            $"<xml>{Head}<MsgType>event</MsgType><Event>{name}</Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
        );

        Assert.Equal(ActivityType.Event, activity.Type);
        Assert.Equal(name, activity.EventName);
        Assert.Equal(key, activity.EventKey);
        Assert.Equal($"oUser_1-x:1700000000:{name}", activity.Id);
    }

    [Fact]
    public void Map_SubscribeMessagePopup_ReadsEveryTemplateChoice()
    {
        var activity = Map(
            $"""
            <xml>{Head}<MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>
            <SubscribeMsgPopupEvent>
              <List><TemplateId><![CDATA[tpl-delivery]]></TemplateId>
                <SubscribeStatusString>accept</SubscribeStatusString><PopupScene>2</PopupScene></List>
              <List><TemplateId><![CDATA[tpl-promo]]></TemplateId>
                <SubscribeStatusString>reject</SubscribeStatusString><PopupScene>2</PopupScene></List>
            </SubscribeMsgPopupEvent></xml>
            """
        );

        Assert.Equal(
            [new TemplateConsent("tpl-delivery", true), new TemplateConsent("tpl-promo", false)],
            activity.TemplateConsents
        );
    }

    [Theory]
    [InlineData("success", "Delivered")]
    [InlineData("failed:user block", "UserBlocked")]
    [InlineData("failed: system failed", "SystemFailure")]
    public void Map_TemplateJobFinish_IsADeliveryReport_NamedByItsMsgId(string status, string outcome)
    {
        var activity = Map(
            $"""
            <xml>{Head}<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event>
            <MsgID>200163836</MsgID><Status><![CDATA[{status}]]></Status></xml>
            """
        );

        Assert.Equal(
            [
                new DeliveryReport(
                    "200163836",
                    null,
                    Enum.Parse<DeliveryReportOutcome>(outcome),
                    status,
                    Subscribe: false
                ),
            ],
            activity.DeliveryReports
        );
        Assert.Equal("oUser_1-x:1700000000:TEMPLATESENDJOBFINISH:200163836", activity.Id);
        Assert.Empty(activity.TemplateConsents);
    }

    [Fact]
    public void Map_SubscribeMessageSent_ReportsEachTemplate()
    {
        var activity = Map(
            $"""
            <xml>{Head}<MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event>
            <SubscribeMsgSentEvent>
              <List><TemplateId><![CDATA[tpl-delivery]]></TemplateId><MsgID>1700827132819554304</MsgID>
                <ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List>
              <List><TemplateId><![CDATA[tpl-promo]]></TemplateId><MsgID>1700827132819554305</MsgID>
                <ErrorCode>43101</ErrorCode><ErrorStatus><![CDATA[fail_user_refuse]]></ErrorStatus></List>
            </SubscribeMsgSentEvent></xml>
            """
        );

        Assert.Equal(
            [
                new DeliveryReport(
                    "1700827132819554304",
                    "tpl-delivery",
                    DeliveryReportOutcome.Delivered,
                    "success",
                    true
                ),
                new DeliveryReport(
                    "1700827132819554305",
                    "tpl-promo",
                    DeliveryReportOutcome.UserBlocked,
                    "fail_user_refuse",
                    true
                ),
            ],
            activity.DeliveryReports
        );
        Assert.Empty(activity.TemplateConsents);
    }

    [Fact]
    public void Map_MenuEventWithNestedInfo_SkipsTheNesting()
    {
        var activity = Map(
            $"<xml>{Head}<MsgType>event</MsgType><Event>scancode_push</Event><EventKey>k</EventKey>"
                + $"<ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult></ScanCodeInfo></xml>"
        );

        Assert.Equal("scancode_push", activity.EventName);
        Assert.Equal("k", activity.EventKey);
    }

    [Fact]
    public void Map_UnknownMessageType_IsNull() =>
        Assert.Null(
            WeChatActivityMapper.Map(
                WeChatXml.Parse($"<xml>{Head}<MsgType>miniprogrampage</MsgType><MsgId>9</MsgId></xml>")
            )
        );

    [Theory]
    [InlineData(
        "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>"
    )]
    [InlineData(
        "<xml><ToUserName>b</ToUserName><FromUserName>u</FromUserName><CreateTime>x</CreateTime>"
            + "<MsgType>text</MsgType><MsgId>1</MsgId></xml>"
    )]
    [InlineData(
        "<xml><ToUserName>b</ToUserName><FromUserName>../../etc</FromUserName><CreateTime>1</CreateTime>"
            + "<MsgType>text</MsgType><MsgId>1</MsgId></xml>"
    )]
    [InlineData(
        "<xml><ToUserName>b</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
            + "<MsgType>text</MsgType><MsgId>abc</MsgId></xml>"
    )]
    [InlineData(
        "<xml><ToUserName>b</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
            + "<MsgType>text</MsgType></xml>"
    )]
    public void Map_MissingOrBadRequiredField_Throws(string xml) =>
        Assert.Throws<FormatException>(() => WeChatActivityMapper.Map(WeChatXml.Parse(xml)));

    [Theory]
    [InlineData("<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>")]
    [InlineData("<!DOCTYPE xml [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><xml><Content>&b;</Content></xml>")]
    [InlineData("not xml")]
    [InlineData("")]
    [InlineData("<notxml/>")]
    [InlineData("<xml><Content>unclosed</xml>")]
    public void Parse_HostileOrBroken_Throws(string xml) => Assert.Throws<XmlException>(() => WeChatXml.Parse(xml));

    [Fact]
    public void Reply_Text_RoundTripsThroughTheParser()
    {
        var xml = WeChatReplyXml.Render(Reply.FromText("a ]]> b"), "oUser", "gh_1", 42);
        var parsed = WeChatXml.Parse(xml);

        Assert.Equal("a ]]> b", parsed["Content"]);
        Assert.Equal("oUser", parsed["ToUserName"]);
        Assert.Equal("text", parsed["MsgType"]);
    }

    private static Activity Map(string xml) => WeChatActivityMapper.Map(WeChatXml.Parse(xml))!;
}
