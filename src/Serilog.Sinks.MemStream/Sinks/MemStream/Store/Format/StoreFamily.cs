namespace Serilog.Sinks.MemStream.Store;

/// <summary>Which of a sink's column families an event goes to: by its retention (TTL) and its sequence number's <see cref="KeyEpoch"/>.</summary>
internal readonly record struct StoreFamily(int TtlSeconds, int Epoch);
