namespace Serilog.Sinks.MemStream.Live;

/// <summary>A consistent reading of the buffer's counters.</summary>
internal readonly record struct BufferStatistics(int Events, int Bytes, long Evictions, long? OldestSequence);
