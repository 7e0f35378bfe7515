using System.Text.RegularExpressions;

namespace ServiceBot.Tests.Architecture;

/// <summary>The repository's C# sources, read as text: the architecture tests check what a reader sees.</summary>
internal static partial class SourceTree
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Production sources of a project folder (e.g. <c>services/ServiceBot.Services</c>), without build output.
    /// </summary>
    public static IEnumerable<string> Files(string project) =>
        Directory
            .EnumerateFiles(Path.Combine(Root, project), "*.cs", SearchOption.AllDirectories)
            .Where(path =>
                !path.Contains(
                    $"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}",
                    StringComparison.Ordinal
                )
                && !path.Contains(
                    $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}",
                    StringComparison.Ordinal
                )
            )
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// The feature folder a namespace belongs to: its first segment below the project
    /// (<c>ServiceBot.Services.Conversations.Delivery</c> → <c>ServiceBot.Services.Conversations</c>).
    /// A sub-folder sees its parent without a using directive, so it counts as part of it.
    /// </summary>
    public static string FolderOf(string ns) => string.Join('.', ns.Split('.').Take(3));

    public static string? NamespaceOf(string source) =>
        Namespace().Match(source) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// The project namespaces a file refers to: using directives, fully qualified names, and names
    /// qualified from the project's root (<c>Operations.RateLimiting</c> inside <c>ServiceBot.Bot</c>).
    /// </summary>
    public static IEnumerable<string> Imports(string source, string ns, IReadOnlySet<string> folders)
    {
        var project = string.Join('.', ns.Split('.').Take(2));
        var relative = RootQualified()
            .Matches(source)
            .Select(m => m.Groups[1].Value)
            .Where(folders.Contains)
            .Select(folder => $"{project}.{folder}");
        return Using()
            .Matches(source)
            .Select(m => m.Groups[1].Value)
            .Concat(Qualified().Matches(source).Select(m => m.Groups[1].Value))
            .Concat(relative);
    }

    /// <summary>The feature folders of a project: its first-level folders.</summary>
    public static IReadOnlySet<string> Folders(string project) =>
        Directory
            .EnumerateDirectories(Path.Combine(Root, project))
            .Select(path => Path.GetFileName(path))
            .Where(name => name is not ("bin" or "obj" or "Properties" or "wwwroot"))
            .ToHashSet(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServiceBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ServiceBot.sln not found above the test's folder.");
    }

    [GeneratedRegex(@"^namespace (ServiceBot\.[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    // Outside using, namespace and comment lines: a capitalised name, a dot and a type.
    [GeneratedRegex(@"^(?!using |namespace |\s*//)[^\n]*?(?<![\w.""])([A-Z]\w+)\.[A-Z]", RegexOptions.Multiline)]
    private static partial Regex RootQualified();

    [GeneratedRegex(@"^using (?:static )?(ServiceBot\.(?:Services|Bot)\.[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Using();

    // A type named in full in code (not in a using or namespace line): ServiceBot.Services.Orders.OrderStore.
    [GeneratedRegex(
        @"(?<!^using (?:static )?|^namespace )\b(ServiceBot\.(?:Services|Bot)\.\w+)\.\w",
        RegexOptions.Multiline
    )]
    private static partial Regex Qualified();
}
