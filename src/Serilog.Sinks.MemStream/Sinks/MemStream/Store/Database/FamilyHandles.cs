
namespace Serilog.Sinks.MemStream.Store;

/// <summary>The two column families one retention and epoch of a sink writes to: the index and the log.</summary>
internal readonly record struct FamilyHandles(RocksFamily Index, RocksFamily Log);
