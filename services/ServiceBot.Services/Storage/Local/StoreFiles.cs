using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ServiceBot.Services.Storage.Local;

/// <summary>
/// The log store's only way to the disk, so that the tests can put a power cut under it: what was
/// not synced (<see cref="IStoreFile.Sync"/>, <see cref="SyncFolder"/>) may be lost, whole or in part.
/// </summary>
internal interface IStoreFiles
{
    /// <summary>Opens a file for reading and writing; creates it (private) when <paramref name="create"/>.</summary>
    IStoreFile Open(string path, bool create);

    /// <summary>The names of the files in a folder.</summary>
    IReadOnlyList<string> List(string folder);

    bool Exists(string path);

    void Delete(string path);

    /// <summary>Renames a file over another atomically.</summary>
    void Move(string from, string to);

    /// <summary>Makes the creates, renames and deletes in a folder durable (fsync of the folder).</summary>
    void SyncFolder(string folder);

    /// <summary>Creates a private folder and its parents.</summary>
    void CreateFolder(string folder);

    /// <summary>Keeps other processes out of the folder until disposed; throws IOException if one is in.</summary>
    IDisposable Lock(string folder);
}

internal interface IStoreFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads at an offset; fewer bytes than asked only at the end of the file.</summary>
    int Read(Span<byte> buffer, long offset);

    void Write(ReadOnlySpan<byte> data, long offset);

    void SetLength(long length);

    /// <summary>Makes what was written durable (fsync).</summary>
    void Sync();
}

/// <summary>The real disk.</summary>
internal sealed partial class DiskFiles : IStoreFiles
{
    public static DiskFiles Instance { get; } = new();

    public IStoreFile Open(string path, bool create)
    {
        var handle = File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite);
        PrivateFiles.Restrict(path);
        return new DiskFile(path, handle);
    }

    public IReadOnlyList<string> List(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder).Select(p => System.IO.Path.GetFileName(p))]
            : [];

    public bool Exists(string path) => File.Exists(path);

    public void Delete(string path) => File.Delete(path);

    public void Move(string from, string to) => File.Move(from, to, overwrite: true);

    public void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS makes a rename durable with the file's own flush.
        }

        var fd = OpenFolder(folder, 0);
        if (fd < 0)
        {
            throw new IOException(
                $"Could not open the folder '{folder}' to sync it (errno {Marshal.GetLastPInvokeError()})."
            );
        }

        try
        {
            if (FileSync(fd) != 0)
            {
                throw new IOException($"Could not sync the folder '{folder}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public void CreateFolder(string folder) => PrivateFiles.CreateFolder(folder);

    public IDisposable Lock(string folder)
    {
        var path = System.IO.Path.Combine(folder, "LOCK");
        var lockFile = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        PrivateFiles.Restrict(path);
        return lockFile;
    }

    // .NET opens no handle on a folder, and fsync of the folder is what makes a new file's name durable.
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenFolder(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private sealed class DiskFile(string path, SafeFileHandle handle) : IStoreFile
    {
        public string Path { get; } = path;

        public long Length => RandomAccess.GetLength(handle);

        public int Read(Span<byte> buffer, long offset)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(handle, buffer[total..], offset + total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }

        public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(handle, data, offset);

        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Sync() => RandomAccess.FlushToDisk(handle);

        public void Dispose() => handle.Dispose();
    }
}
