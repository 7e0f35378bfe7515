namespace ServiceBot.Services.Storage;

/// <summary>The store could not be reached or failed; the inner exception says how.</summary>
internal class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message)
        : base(message) { }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException) { }
}

/// <summary>An optimistic write kept losing to other writers.</summary>
internal sealed class StorageConflictException : Exception
{
    public StorageConflictException() { }

    public StorageConflictException(string message)
        : base(message) { }

    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException) { }
}
