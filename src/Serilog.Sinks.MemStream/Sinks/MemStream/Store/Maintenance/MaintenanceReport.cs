namespace Serilog.Sinks.MemStream.Store;

/// <summary>What one maintenance pass did.</summary>
internal readonly record struct MaintenanceReport(long Expired, long Corrupt, IReadOnlyList<string> DroppedFamilies);
