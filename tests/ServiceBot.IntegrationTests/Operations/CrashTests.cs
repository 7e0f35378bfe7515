using ServiceBot.IntegrationTests.Support;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>The real bot process killed with SIGKILL keeps every turn it acknowledged.</summary>
public sealed class CrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledProcess_LosesNoAcknowledgedTurn_AndARetryAfterRestartIsNotHandledTwice()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-crash-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Storage__Path"] = folder,
            ["WeChat__Token"] = BotFactory.Token,
            ["WeChat__AppId"] = BotFactory.AppId,
            ["WeChat__EncodingAESKey"] = BotFactory.AesKey,
        };
        var openId = WeChatWire.OpenId();
        const int Messages = 25;

        await using (var bot = BotProcess.Start(environment))
        {
            await bot.WaitUntilListeningAsync(Ct);
            using var http = new HttpClient { BaseAddress = bot.BaseAddress };
            for (var i = 0; i < Messages; i++)
            {
                using var response = await http.SendAsync(
                    WeChatWire.Encrypted(WeChatWire.Text(openId, 9_000_000 + i, "帮助"), openId),
                    Ct
                );
                Assert.Contains(
                    "取消",
                    WeChatWire.OpenReply(await response.Content.ReadAsStringAsync(Ct))["Content"],
                    StringComparison.Ordinal
                );
            }

            bot.Kill();
        }

        using (var store = new LogDocumentStore(Path.Combine(folder, "documents")))
        {
            var record = (
                await new ConversationStateStore(store).LoadAsync(new ConversationReference("wechat", openId), Ct)
            ).Record;
            Assert.Equal(
                (9_000_000 + Messages - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                record.LastReply!.ActivityId
            );
            Assert.Equal(ServiceBot.Services.Conversations.DuplicateActivityFilter.MaxRemembered, record.Handled.Count);
        }

        await using (var restarted = BotProcess.Start(environment))
        {
            await restarted.WaitUntilListeningAsync(Ct);
            using var http = new HttpClient { BaseAddress = restarted.BaseAddress };
            var last = WeChatWire.Text(openId, 9_000_000 + Messages - 1, "帮助");
            using var retry = await http.SendAsync(WeChatWire.Encrypted(last, openId), Ct);
            Assert.Contains(
                "取消",
                WeChatWire.OpenReply(await retry.Content.ReadAsStringAsync(Ct))["Content"],
                StringComparison.Ordinal
            );
            restarted.Kill();
        }

        using (var store = new LogDocumentStore(Path.Combine(folder, "documents")))
        {
            var record = (
                await new ConversationStateStore(store).LoadAsync(new ConversationReference("wechat", openId), Ct)
            ).Record;
            Assert.Equal(ServiceBot.Services.Conversations.DuplicateActivityFilter.MaxRemembered, record.Handled.Count);
            Assert.Single(record.Handled, h =>
                h.Id == (9_000_000 + Messages - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
        }

        Directory.Delete(folder, recursive: true);
    }
}
