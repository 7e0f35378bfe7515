using ServiceBot.Services.Help;
using ServiceBot.Tests.Support;
using static ServiceBot.Tests.Help.HelpFixtures;

namespace ServiceBot.Tests.Help;

public sealed class HelpSearchTests : IDisposable
{
    private readonly HelpStore _store = new(new InMemoryDocumentStore());
    private readonly HelpSearch _search;

    public HelpSearchTests() => _search = new HelpSearch(_store);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _search.Dispose();

    private async Task SeedAsync()
    {
        await _store.PutAsync(Cup, Ct);
        await _store.PutAsync(Kettle, Ct);
    }

    [Theory]
    [InlineData("杯子怎么清洗", "保温杯怎么清洗")]
    [InlineData("怎么去除水垢", "电热水壶除水垢")]
    [InlineData("how do I keep my drink hot", "How to keep drinks hot longer")]
    [InlineData("how do I descale the kettle", "电热水壶除水垢")]
    public async Task Question_FindsTheRightArticle_InChineseOrEnglish(string question, string title)
    {
        await SeedAsync();

        var match = await _search.FindAsync(question, null, Ct);

        Assert.Equal(title, match!.Article.Title);
        Assert.True(match.Coverage >= 0.5, $"coverage {match.Coverage}");
    }

    [Fact]
    public async Task AnEssayOfAQuestion_IsAnswered_NotAnError()
    {
        await SeedAsync();
        var essay = "how do I descale the kettle " + string.Join(' ', Enumerable.Range(0, 500).Select(i => $"w{i}"));
        Assert.True(essay.Length >= 2000);

        var match = await _search.FindAsync(essay, null, Ct);

        Assert.Equal("电热水壶除水垢", match?.Article.Title);
    }

    [Fact]
    public async Task OnlyTheProductsTheCustomerBought_AreSearched()
    {
        await SeedAsync();

        Assert.Null(await _search.FindAsync("怎么去除水垢", ["CUP-1"], Ct));
        Assert.Equal("KETTLE-1", (await _search.FindAsync("怎么去除水垢", ["KETTLE-1"], Ct))!.Sku);
    }

    [Fact]
    public async Task UnrelatedQuestion_IsNotConfident()
    {
        await SeedAsync();

        var match = await _search.FindAsync("发票可以开公司抬头吗", null, Ct);

        Assert.True(match is null || match.Coverage < 0.5);
    }

    [Fact]
    public async Task ANewArticle_IsFoundWithoutARestart()
    {
        await SeedAsync();
        Assert.Null(await _search.FindAsync("蓝牙怎么配对", null, Ct));

        await _store.PutAsync(
            new ProductHelp(
                "SPEAKER-1",
                [new HelpArticle("蓝牙配对", "长按电源键三秒，指示灯闪烁后在手机蓝牙列表选择音箱。", ["蓝牙", "配对"])]
            ),
            Ct
        );

        Assert.Equal("蓝牙配对", (await _search.FindAsync("蓝牙怎么配对", null, Ct))!.Article.Title);
    }
}
