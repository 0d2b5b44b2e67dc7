namespace Serilog.Sinks.MemStream.Store;

/// <summary>A reading of one store's counters, merged into <see cref="MemStreamStatus"/>.</summary>
internal sealed record StoreStatistics
{
    public MemStreamStoreState State { get; init; }
    public string? Message { get; init; }
    public string? Path { get; init; }
    public int QueuePending { get; init; }
    public int QueueCapacity { get; init; }
    public long QueueOverflowed { get; init; }
    public long EventsStored { get; init; }
    public long WriteFailures { get; init; }
    public long ExpiredRemoved { get; init; }
    public long CorruptRemoved { get; init; }
}
