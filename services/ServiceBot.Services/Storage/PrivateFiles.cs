namespace ServiceBot.Services.Storage;

/// <summary>
/// What the bot keeps under <c>Storage:Path</c> (customers' conversations, photos, sign-in keys) is
/// for the bot's own user only: folders 0700, files 0600, whatever the umask says.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (and its parents) private, and makes an existing one private.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, Folder);
        System.IO.File.SetUnixFileMode(path, Folder);
    }

    /// <summary>Makes a file the bot created (or found) private.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(path))
        {
            System.IO.File.SetUnixFileMode(path, File);
        }
    }

    /// <summary>Creates an empty private file unless it exists, so a library that opens it keeps its mode.</summary>
    public static void CreateFile(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            using var created = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        }

        Restrict(path);
    }
}
