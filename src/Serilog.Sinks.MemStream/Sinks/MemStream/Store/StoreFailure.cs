namespace Serilog.Sinks.MemStream.Store;

/// <summary>Turns a failure to open a store into a sentence an operator can act on.</summary>
internal static class StoreFailure
{
    public static string Explain(string path, Exception failure)
    {
        var message = failure.Message;
        if (message.Contains("LOCK", StringComparison.Ordinal) && message.Contains("IO error", StringComparison.Ordinal))
            return $"another process (or another open in this one, outside MemStream) holds the database lock at {path}; give each application its own storePath. ({message})";
        if (failure is UnauthorizedAccessException || message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
            return $"the directory {path} cannot be created or written; choose a writable storePath. ({message})";
        if (failure is IOException)
            return $"the directory {path} cannot be created: {message}";
        return $"{failure.GetType().Name}: {message}";
    }
}
