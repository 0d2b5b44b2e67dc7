namespace Serilog.Sinks.MemStream.Store;

/// <summary>What one sink's store needs to know from the sink's configuration.</summary>
internal sealed record StoreSettings(
    string Path,
    string? SinkName,
    string CorrelationIdProperty,
    RetentionPolicy Retention,
    int QueueLimit,
    TimeSpan MaintenanceInterval,
    bool MoveDamagedStoreAside = false,
    bool IndexTraceId = true,
    long MemoryBudget = StoreMemory.DefaultBudgetBytes);
