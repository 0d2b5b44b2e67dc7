namespace Serilog.Sinks.MemStream.Store;

/// <summary>Why a store cannot be opened for reading (<see cref="ReadOnlyStore.Open"/>): one sentence that says what to do.</summary>
internal sealed class StoreUnreadableException(string message) : Exception(message);
