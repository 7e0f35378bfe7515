using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace ServiceBot.Services.Help;

/// <summary>An article found for a question, and how much of the question it covers (0..1).</summary>
internal sealed record HelpMatch(string Sku, HelpArticle Article, double Coverage);

/// <summary>
/// Full-text search over the help articles with Lucene.Net's CJK analyzer (Chinese as bigrams,
/// Latin words as words), limited to the products the customer bought. Lucene ranks; the share
/// of the question's terms found in the article decides whether the bot is confident.
/// </summary>
internal sealed class HelpSearch(HelpStore store) : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private readonly Analyzer _analyzer = new CJKAnalyzer(Version);
    private Index? _index;

    /// <summary>
    /// The best article for <paramref name="question"/> among <paramref name="skus"/> (null: every product).
    /// </summary>
    public async Task<HelpMatch?> FindAsync(
        string question,
        IReadOnlyCollection<string>? skus,
        CancellationToken cancellationToken
    )
    {
        var terms = Terms(WithoutQuestionWords(question));
        if (terms.Count == 0 || skus is { Count: 0 })
        {
            return null;
        }

        var index = await CurrentAsync(cancellationToken);
        var query = new BooleanQuery { { TermsQuery(terms), Occur.MUST } };
        if (skus is not null)
        {
            query.Add(SkuFilter(skus), Occur.MUST);
        }

        var top = index.Searcher.Search(query, 1).ScoreDocs;
        if (top.Length == 0)
        {
            return null;
        }

        var (sku, article) = index.Articles[
            int.Parse(
                index.Searcher.Doc(top[0].Doc).Get("id", System.Globalization.CultureInfo.InvariantCulture),
                System.Globalization.CultureInfo.InvariantCulture
            )
        ];
        var found = Terms($"{article.Title} {string.Join(' ', article.Keywords)} {article.Body}");
        return new HelpMatch(sku, article, terms.Count(found.Contains) / (double)terms.Count);
    }

    public void Dispose()
    {
        _index?.Dispose();
        _analyzer.Dispose();
        _rebuild.Dispose();
    }

    private async Task<Index> CurrentAsync(CancellationToken cancellationToken)
    {
        var version = await store.VersionAsync(cancellationToken);
        if (_index is { } current && current.Version == version)
        {
            return current;
        }

        await _rebuild.WaitAsync(cancellationToken);
        try
        {
            if (_index is { } fresh && fresh.Version == version)
            {
                return fresh;
            }

            var rebuilt = Build(version, await store.AllAsync(cancellationToken));
            var old = Interlocked.Exchange(ref _index, rebuilt);
            old?.Dispose();
            return rebuilt;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    private Index Build(string? version, IReadOnlyList<ProductHelp> products)
    {
        var directory = new RAMDirectory();
        var articles = new List<(string, HelpArticle)>();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(Version, _analyzer)))
        {
            foreach (var product in products)
            {
                foreach (var article in product.Articles)
                {
                    var title = new TextField("title", article.Title, Field.Store.NO) { Boost = 2f };
                    var keywords = new TextField("keywords", string.Join(' ', article.Keywords), Field.Store.NO)
                    {
                        Boost = 3f,
                    };
                    writer.AddDocument(
                        new Document
                        {
                            new StringField(
                                "id",
                                articles.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                Field.Store.YES
                            ),
                            new StringField("sku", product.Sku, Field.Store.NO),
                            title,
                            keywords,
                            new TextField("body", article.Body, Field.Store.NO),
                        }
                    );
                    articles.Add((product.Sku, article));
                }
            }

            writer.Commit();
        }

        return new Index(version, directory, articles);
    }

    private static BooleanQuery SkuFilter(IReadOnlyCollection<string> skus)
    {
        var any = new BooleanQuery();
        foreach (var sku in skus)
        {
            any.Add(new TermQuery(new Term("sku", sku)), Occur.SHOULD);
        }

        return any;
    }

    private const int MaxTerms = 64;

    private static BooleanQuery TermsQuery(IReadOnlyCollection<string> terms)
    {
        var any = new BooleanQuery();
        foreach (var term in terms)
        {
            foreach (var field in (string[])["title", "keywords", "body"])
            {
                any.Add(new TermQuery(new Term(field, term)), Occur.SHOULD);
            }
        }

        return any;
    }

    // Words that make a question a question say nothing about its subject; left in, "怎么" would
    // match every "怎么…" title and dilute the share of real terms found.
    private static readonly string[] QuestionWords =
    [
        "为什么",
        "怎么办",
        "怎么样",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "请问",
        "可以",
        "能不能",
        "一下",
        "我的",
        "吗",
        "呢",
        "吧",
        "啊",
        "how",
        "what",
        "why",
        "can",
        "could",
        "do",
        "does",
        "i",
        "my",
        "me",
        "please",
        "should",
        "would",
    ];

    private static string WithoutQuestionWords(string question)
    {
        var text = question.ToLowerInvariant();
        foreach (var word in QuestionWords)
        {
            text = word.All(char.IsAsciiLetter)
                ? System.Text.RegularExpressions.Regex.Replace(text, $@"\b{word}\b", " ")
                : text.Replace(word, " ", StringComparison.Ordinal);
        }

        return text;
    }

    // A question's first terms, at most MaxTerms: three clauses each stay under Lucene's limit of 1,024
    // clauses a query, so a pasted essay gets an answer, not an error; its subject is in its opening words.
    private HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        using var stream = _analyzer.GetTokenStream("body", new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (terms.Count < MaxTerms && stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }

    private sealed class Index(
        string? version,
        RAMDirectory directory,
        IReadOnlyList<(string Sku, HelpArticle Article)> articles
    ) : IDisposable
    {
        private readonly DirectoryReader _reader = DirectoryReader.Open(directory);

        public string? Version { get; } = version;

        public IReadOnlyList<(string Sku, HelpArticle Article)> Articles { get; } = articles;

        public IndexSearcher Searcher => new(_reader);

        public void Dispose()
        {
            _reader.Dispose();
            directory.Dispose();
        }
    }
}
