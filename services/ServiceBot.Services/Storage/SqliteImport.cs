using Microsoft.Data.Sqlite;
using ServiceBot.Services.Storage.Local;

namespace ServiceBot.Services.Storage;

/// <summary>
/// A folder written by a build before the log store keeps its documents in one SQLite file
/// (<c>servicebot.db</c>). At open, before anything can use the store, its documents are copied
/// into the log store and the file is renamed <c>servicebot.db.imported</c> (kept as a backup; delete
/// it once satisfied). A copy cut off by a crash runs again from the start at the next open: the file
/// is renamed only after every document is in the log store.
/// </summary>
internal static class SqliteImport
{
    public static int ImportIfPresent(string databasePath, LogDocumentStore store)
    {
        if (!File.Exists(databasePath))
        {
            return 0;
        }

        var imported = 0;
        try
        {
            // Not pooled: the file must be closed (and its WAL folded in) before it is renamed.
            using var connection = new SqliteConnection(
                new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString()
            );
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, content FROM documents";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                store.WriteUnsynced(reader.GetString(0), (byte[])reader.GetValue(1));
                imported++;
            }
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException(
                $"The documents of '{databasePath}' (an older build's store) could not be imported; move "
                    + $"the file away to start without them.",
                e
            );
        }

        store.Flush();
        foreach (var suffix in new[] { "-wal", "-shm", "" })
        {
            if (File.Exists(databasePath + suffix))
            {
                File.Move(databasePath + suffix, databasePath + ".imported" + suffix, overwrite: true);
            }
        }

        return imported;
    }
}
