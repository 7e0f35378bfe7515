using System.Text.RegularExpressions;

namespace ServiceBot.Tests.Architecture;

/// <summary>
/// The house rules a newcomer relies on: features point one way, each store has one home, files stay readable.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] Projects = ["services/ServiceBot.Services", "bot/ServiceBot.Bot"];

    private static readonly string[] AllCode = ["services", "bot", "tests", "bench"];

    [Fact]
    public void FeatureFolders_NeverImportAFolderThatImportsThemBack()
    {
        var graph = ImportGraph();
        var cycles = new List<string>();
        foreach (var (folder, imports) in graph)
        {
            foreach (var other in imports.Where(o => string.CompareOrdinal(folder, o) < 0))
            {
                if (Reaches(graph, other, folder) is { } back)
                {
                    cycles.Add($"{folder} → {string.Join(" → ", back)}");
                }
            }
        }

        Assert.True(cycles.Count == 0, "Folders that import each other:\n" + string.Join('\n', cycles));
    }

    [Fact]
    public void TheKernel_ImportsOnlyStorage()
    {
        var kernel = ImportGraph()["ServiceBot.Services.Conversations"];

        Assert.Equal(["ServiceBot.Services.Storage"], kernel.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryServiceType_IsRegisteredInOnePlace()
    {
        var sites = Projects
            .SelectMany(SourceTree.Files)
            .SelectMany(path =>
                Registration()
                    .Matches(File.ReadAllText(path))
                    .Select(m => (Type: m.Groups["type"].Value.Split('.')[^1], Path: path))
            )
            .GroupBy(site => site.Type)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(s => Path.GetFileName(s.Path)))}")
            .ToList();

        Assert.True(sites.Count == 0, "Registered in more than one place:\n" + string.Join('\n', sites));
    }

    [Fact]
    public void TheWeChatWebhook_ReadsAsVerifyMapTurnRender_InUnder220Lines()
    {
        var path = Path.Combine(SourceTree.Root, "bot/ServiceBot.Bot/Channels/WeChat/WeChatWebhook.cs");

        Assert.InRange(File.ReadAllLines(path).Length, 1, 220);
    }

    [Fact]
    public void EveryLine_IsAtMost120Characters()
    {
        // CSharpier wraps code at 120; comments and long literals it leaves alone are held here.
        var tooLong = AllCode
            .SelectMany(SourceTree.Files)
            .SelectMany(path =>
                File.ReadLines(path)
                    .Select((line, index) => (line, index))
                    .Where(l => l.line.Length > 120)
                    .Select(l => $"{Path.GetRelativePath(SourceTree.Root, path)}:{l.index + 1}")
            )
            .ToList();

        Assert.True(tooLong.Count == 0, "Lines over 120 characters:\n" + string.Join('\n', tooLong));
    }

    // Folder → the other folders its files import (using directives and fully qualified names).
    private static Dictionary<string, HashSet<string>> ImportGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var project in Projects)
        {
            var folders = SourceTree.Folders(project);
            foreach (var source in SourceTree.Files(project).Select(File.ReadAllText))
            {
                if (SourceTree.NamespaceOf(source) is not { } ns)
                {
                    continue;
                }

                var folder = SourceTree.FolderOf(ns);
                var imports = graph.TryGetValue(folder, out var known) ? known : graph[folder] = [];
                var named = SourceTree.Imports(source, ns, folders).Select(SourceTree.FolderOf);
                imports.UnionWith(named.Where(f => f != folder));
            }
        }

        return graph;
    }

    // A path from one folder to another along imports, or null.
    private static List<string>? Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal) { [from] = "" };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var at))
        {
            if (at == to)
            {
                var path = new List<string>();
                for (var step = at; step.Length > 0; step = previous[step])
                {
                    path.Insert(0, step);
                }

                return path;
            }

            foreach (var next in graph.GetValueOrDefault(at) ?? [])
            {
                if (previous.TryAdd(next, at))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    // services.(Try)AddSingleton<T>(), <TService, TImpl>() and (provider => new T(...)): one site per type.
    [GeneratedRegex(
        @"\.(?:Try)?Add(?:Singleton|Scoped|Transient)"
            + @"(?:<(?:[\w.]+,\s*)?(?<type>[\w.]+)>\(|\(\s*provider\s*=>\s*new (?<type>\w+)\()"
    )]
    private static partial Regex Registration();
}
