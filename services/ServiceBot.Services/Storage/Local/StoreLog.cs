using Microsoft.Extensions.Logging;

namespace ServiceBot.Services.Storage.Local;

/// <summary>The local store's log lines: files, offsets and sizes, never a document's content.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(7001, LogLevel.Information, "Local store in {Folder}, writes acknowledged when {Durability}.")]
    public static partial void Opened(ILogger logger, string folder, string durability);

    [LoggerMessage(
        7002,
        LogLevel.Warning,
        "The local store cut {Bytes} bytes at byte {Offset} of {File}: a write a crash interrupted, never "
            + "acknowledged. They are kept in {Aside}."
    )]
    public static partial void TailCut(ILogger logger, long bytes, long offset, string file, string aside);

    [LoggerMessage(7003, LogLevel.Warning, "The local store undid a rotation a crash interrupted ({File}).")]
    public static partial void RotationUndone(ILogger logger, string file);

    [LoggerMessage(7004, LogLevel.Error, "The local store's compaction failed; the old segments keep everything.")]
    public static partial void CompactionFailed(ILogger logger, Exception exception);

    [LoggerMessage(7005, LogLevel.Error, "The local store could not cut a failed write from {File}.")]
    public static partial void CutBackFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(7006, LogLevel.Warning, "The local store could not sync its newest file at close.")]
    public static partial void CloseSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(
        7007,
        LogLevel.Warning,
        "The local store imported {Records} records of format 0 from {Folder}; the old files are in {Imported}."
    )]
    public static partial void FormatZeroImported(ILogger logger, int records, string folder, string imported);

    [LoggerMessage(7008, LogLevel.Debug, "The local store could not write zeros ahead of its records in {File}.")]
    public static partial void PreallocateFailed(ILogger logger, Exception exception, string file);
}
