using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Photos;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>A customer's voice notes and videos reach the agent's case like photos: fetched at once, kept.</summary>
public sealed class CustomerRecordingTests : IAsyncLifetime
{
    private static readonly byte[] Amr = [.. "#!AMR\n"u8, 0x3C, 0x48, 0xF5, 0x1F];
    private static readonly byte[] Mp4 = [0, 0, 0, 0x18, .. "ftypmp42"u8, 0, 0, 0, 0];

    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _api.MediaFor = id =>
            id switch
            {
                "voice-1" => Amr,
                "video-1" => Mp4,
                _ => Encoding.ASCII.GetBytes("not a recording"),
            };
        _bot = new BotFactory();
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
    }

    public async ValueTask DisposeAsync()
    {
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task VoiceNotesAndVideos_AreKeptWithTheCase_AsWhatTheyAre()
    {
        var openId = WeChatWire.OpenId();
        using var wechat = _bot.CreateClient();
        async Task SendAsync(string xml) =>
            (await wechat.SendAsync(WeChatWire.Encrypted(xml, openId), Ct)).EnsureSuccessStatusCode();
        await SendAsync(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "人工"));

        await SendAsync(WeChatWire.Recording(openId, WeChatWire.NewMsgId(), "voice", "voice-1"));
        await SendAsync(WeChatWire.Recording(openId, WeChatWire.NewMsgId(), "video", "video-1"));
        await SendAsync(WeChatWire.Recording(openId, WeChatWire.NewMsgId(), "voice", "fake-1"));

        var desk = _bot.Services.GetRequiredService<AgentDesk>();
        var entries = (await desk.GetAsync(Assert.Single(await desk.QueueAsync(Ct)).CaseId, Ct))!
            .Entries.TakeLast(3)
            .ToArray();
        Assert.Equal(["audio/amr", "video/mp4", null], entries.Select(e => e.MediaType));
        Assert.Equal("杯子漏水", entries[0].Text); // WeChat's recognition, for the agent to read
        Assert.Contains("could not be fetched", entries[2].Text, StringComparison.Ordinal); // not a recording
        var photos = _bot.Services.GetRequiredService<CustomerPhotos>();
        Assert.Equal(Amr, (await photos.GetAsync(entries[0].PhotoId!, Ct))?.Content);
        var video = await photos.GetAsync(entries[1].PhotoId!, Ct);
        Assert.Equal("video/mp4", video?.ContentType);
        Assert.Equal(Mp4, video?.Content);
    }
}
