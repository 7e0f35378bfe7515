namespace ServiceBot.IntegrationTests.Support;

internal static class RepositoryRoot
{
    /// <summary>The folder holding ServiceBot.sln, found by walking up from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ServiceBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ServiceBot.sln not found above " + AppContext.BaseDirectory);
    }
}
