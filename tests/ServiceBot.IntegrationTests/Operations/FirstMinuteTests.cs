using ServiceBot.IntegrationTests.Support;

namespace ServiceBot.IntegrationTests.Operations;

/// <summary>What a newcomer reads after starting the bot as the README says: where everything is.</summary>
public sealed class FirstMinuteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartedInDevelopment_TheLogSaysWhereEverythingIs_WithoutLibraryChatter()
    {
        var folder = Directory.CreateTempSubdirectory("servicebot-first-minute-").FullName;
        try
        {
            await using var bot = BotProcess.StartDevelopment(folder);
            await bot.WaitUntilListeningAsync(Ct);
            var address = bot.BaseAddress.AbsoluteUri.TrimEnd('/');
            await Eventually.HoldsAsync(
                () => Task.FromResult(bot.Output.Contains("ServiceBot is ready", StringComparison.Ordinal)),
                "the bot never said it was ready"
            );

            var output = bot.Output;
            Assert.Contains($"Web chat:       {address}/", output, StringComparison.Ordinal);
            Assert.Contains(
                $"Agent console:  {address}/agent (sign in as demo / demo",
                output,
                StringComparison.Ordinal
            );
            Assert.Contains($"Data:           {folder}", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Quartz", output, StringComparison.Ordinal);
            Assert.DoesNotContain("No XML encryptor", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
