
namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One of a sink's families as open in the database: its name, TTL and epoch, its index family (ids to groups, and
/// events of format 1) and the log family beside it (the groups, by sequence number), which a family of an earlier
/// configuration written before logs existed does not have.
/// </summary>
internal sealed record OpenFamily(string Name, StoreFamily Family, RocksFamily Index, RocksFamily? Log);
