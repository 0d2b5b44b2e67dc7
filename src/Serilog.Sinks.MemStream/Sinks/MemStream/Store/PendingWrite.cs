using RocksDbSharp;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>One encoded event waiting for the store's writer: its key, value and TTL family.</summary>
internal readonly record struct PendingWrite(byte[] Key, byte[] Value, ColumnFamilyHandle Family);
