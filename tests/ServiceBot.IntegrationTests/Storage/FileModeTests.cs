using System.Net;
using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Storage;

/// <summary>Customers' data on disk is for the bot's user alone, whatever the machine's umask.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const UnixFileMode OthersAndGroup =
        UnixFileMode.GroupRead
        | UnixFileMode.GroupWrite
        | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead
        | UnixFileMode.OtherWrite
        | UnixFileMode.OtherExecute;

    [Fact]
    public async Task EverythingUnderTheStoragePath_IsTheBotsUsersAlone()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("servicebot-modes-").FullName, "data");
        using var bot = new BotFactory(folder);
        using var http = bot.CreateClient();
        var openId = WeChatWire.OpenId();

        using var reply = await http.SendAsync(WeChatWire.Encrypted(WeChatWire.Text(openId, 1, "你好"), openId), Ct);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", Ct)).StatusCode);

        var entries = Directory
            .EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Prepend(folder)
            .ToList();
        Assert.Contains(entries, e => e.EndsWith("scheduler.db", StringComparison.Ordinal));
        var open = entries.Where(e => (File.GetUnixFileMode(e) & OthersAndGroup) != 0);
        Assert.Empty(open.Select(e => $"{Path.GetRelativePath(folder, e)} {File.GetUnixFileMode(e)}"));
    }
}
