using Microsoft.Data.Sqlite;
using ServiceBot.Services.Storage;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Bot.Operations;

/// <summary>
/// <c>dotnet ServiceBot.Bot.dll store verify|repair|backup &lt;dir&gt;|restore &lt;dir&gt;</c>, on the folder
/// the bot's configuration names (<c>Storage:Path</c>). RUNBOOK.md says when to use which.
/// </summary>
internal static class StoreCommand
{
    private const string Usage =
        "usage: dotnet ServiceBot.Bot.dll store verify | repair | backup <folder> | restore <folder>";

    public static async Task<int> RunAsync(string[] args)
    {
        // The bot's own configuration (appsettings, environment), so the tools work on the folder the bot uses.
        var configuration = WebApplication.CreateBuilder().Configuration;
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()
            ?? new StorageOptions();
        var documents = options.LocalStorePath;
        var scheduler = Path.GetFullPath(Path.Combine(options.Path, "scheduler.db"));
        try
        {
            switch (args)
            {
                case [_, "verify"]:
                    return Verify(documents);
                case [_, "repair"]:
                    var (actions, original) = StoreTools.Repair(documents, TimeProvider.System);
                    foreach (var action in actions)
                    {
                        Console.WriteLine(action);
                    }

                    Console.WriteLine(
                        actions.Count == 0
                            ? "Nothing to repair."
                            : $"Repaired. The files as they were are in {original}; delete it once satisfied."
                    );
                    return 0;
                case [_, "backup", var target]:
                    PrivateFiles.CreateFolder(Path.GetFullPath(target));
                    var count = StoreTools.Backup(documents, Path.Combine(Path.GetFullPath(target), "documents"));
                    if (File.Exists(scheduler))
                    {
                        BackupDatabase(scheduler, Path.Combine(Path.GetFullPath(target), "scheduler.db"));
                    }

                    Console.WriteLine(
                        $"Backed up {count} documents (and the scheduler's jobs) to {Path.GetFullPath(target)}."
                    );
                    return 0;
                case [_, "restore", var source]:
                    var aside = StoreTools.Restore(
                        Path.Combine(Path.GetFullPath(source), "documents"),
                        documents,
                        TimeProvider.System
                    );
                    if (File.Exists(Path.Combine(source, "scheduler.db")))
                    {
                        if (File.Exists(scheduler))
                        {
                            File.Move(scheduler, scheduler + ".before-restore", overwrite: true);
                        }

                        File.Copy(Path.Combine(source, "scheduler.db"), scheduler);
                        PrivateFiles.Restrict(scheduler);
                    }

                    Console.WriteLine($"Restored from {Path.GetFullPath(source)}; the files before are in {aside}.");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (StorageUnavailableException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message} (is the bot still running on {documents}?)");
            return 1;
        }
    }

    private static int Verify(string documents)
    {
        var (damage, notes, count) = StoreTools.Verify(documents);
        foreach (var note in notes)
        {
            Console.WriteLine($"At the next start: {note}");
        }

        if (damage is not null)
        {
            Console.WriteLine(damage.Message);
            Console.WriteLine("`store repair` cuts at the damage after copying the files aside.");
            return 1;
        }

        Console.WriteLine($"The store in {documents} is whole: {count} documents.");
        return 0;
    }

    // SQLite's online backup: a consistent copy while the scheduler writes.
    private static void BackupDatabase(string from, string to)
    {
        using var source = new SqliteConnection($"Data Source={from};Mode=ReadOnly;Pooling=False");
        using var target = new SqliteConnection($"Data Source={to};Pooling=False");
        source.Open();
        PrivateFiles.CreateFile(to);
        target.Open();
        source.BackupDatabase(target);
    }
}
