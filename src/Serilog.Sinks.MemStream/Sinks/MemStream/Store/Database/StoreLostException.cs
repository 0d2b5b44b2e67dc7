namespace Serilog.Sinks.MemStream.Store;

/// <summary>The database was closed after damage and could not be opened again (see <see cref="SharedDatabase.IsLost"/>).</summary>
internal sealed class StoreLostException(string path)
    : Exception($"the store at {path} was closed after its files were found damaged, and could not be opened again");
