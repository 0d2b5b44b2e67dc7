namespace Serilog.Sinks.MemStream.Store;

/// <summary>Turns a failure to open a store into a sentence an operator can act on.</summary>
internal static class StoreFailure
{
    /// <summary>True when RocksDB says the database's files are damaged, as opposed to locked or unreachable.</summary>
    public static bool IsDamage(Exception failure) =>
        failure.Message.Contains("Corruption", StringComparison.Ordinal)
        || failure.Message.Contains("MANIFEST", StringComparison.Ordinal) && failure.Message.Contains("No such file", StringComparison.Ordinal);

    public static string Explain(string path, Exception failure)
    {
        var message = failure.Message;
        if (message.Contains("LOCK", StringComparison.Ordinal) && message.Contains("IO error", StringComparison.Ordinal))
            return $"another process (or another open in this one, outside MemStream) holds the database lock at {path}; give each application its own storePath. ({message})";
        if (IsDamage(failure))
            return $"the database at {path} is damaged ({message}). Move it aside or delete it to start a fresh store (the events in it are lost to MemStream), or set moveDamagedStoreAside: true to let MemStream do that.";
        if (failure is UnauthorizedAccessException || message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
            return $"the directory {path} cannot be created or written; choose a writable storePath. ({message})";
        if (failure is IOException)
            return $"the directory {path} cannot be created: {message}";
        return $"{failure.GetType().Name}: {message}";
    }
}
