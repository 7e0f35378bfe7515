using Microsoft.Extensions.DependencyInjection;
using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Photos;

namespace ServiceBot.IntegrationTests.Agents;

/// <summary>An agent's photo reaches the WeChat customer as one image message, uploaded once.</summary>
public sealed class AgentPhotoTests : IAsyncLifetime
{
    private WeChatApiStandIn _api = null!;
    private BotFactory _bot = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await WeChatApiStandIn.StartAsync();
        _bot = new BotFactory();
        _bot.Settings["WeChat:ApiBaseUrl"] = _api.BaseUrl.AbsoluteUri;
    }

    public async ValueTask DisposeAsync()
    {
        _bot.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentsPhoto_ArrivesAsExactlyOneImageSend_AndTheSamePictureIsUploadedOnce()
    {
        var openId = WeChatWire.OpenId();
        using var wechat = _bot.CreateClient();
        (
            await wechat.SendAsync(
                WeChatWire.Encrypted(WeChatWire.Text(openId, WeChatWire.NewMsgId(), "人工"), openId),
                Ct
            )
        ).EnsureSuccessStatusCode();
        var desk = _bot.Services.GetRequiredService<AgentDesk>();
        var caseId = Assert.Single(await desk.QueueAsync(Ct)).CaseId;
        Assert.True((await desk.ClaimAsync(caseId, "alice", Ct)).Ok);
        _api.CustomerMessages.Clear(); // the greeting
        var picture = Picture.Png(64, 48);
        var photoId = $"agent_{caseId}_one";
        await _bot.Services.GetRequiredService<CustomerPhotos>().KeepBytesAsync(photoId, picture, Ct);

        var first = await desk.SendPhotoAsync(caseId, "alice", photoId, Ct);
        var again = await desk.SendPhotoAsync(caseId, "alice", photoId, Ct);

        Assert.True(first.Ok && again.Ok, first.Problem ?? again.Problem);
        var sends = _api.CustomerMessages.ToArray();
        Assert.Equal(2, sends.Length);
        Assert.All(sends, s => Assert.Equal("image", s.GetProperty("msgtype").GetString()));
        var upload = Assert.Single(_api.Uploads); // the same picture is uploaded once
        Assert.Equal(picture, upload.Value);
        Assert.All(sends, s => Assert.Equal(upload.Key, s.GetProperty("image").GetProperty("media_id").GetString()));
        var entry = (await desk.GetAsync(caseId, Ct))!.Entries[^1];
        Assert.Equal((photoId, true), (entry.PhotoId, entry.SentToCustomer));
    }
}
