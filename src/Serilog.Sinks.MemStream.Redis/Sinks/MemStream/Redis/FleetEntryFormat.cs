using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// What one entry of the fleet's stream holds: a batch of one instance's events, in its sequence order.
/// Fields: <c>v</c> (2), <c>instance</c>, <c>events</c> and, when the instance could not publish events
/// just before these, <c>missed</c> (how many). <c>events</c> is binary: per event, one record of
/// <see cref="MemStreamEventCodec"/> (its sequence number, its rendering as UTF-8 and the event as the store encodes
/// it, each after its length). One entry per batch cost one <c>XADD</c> and no CLEF per event: publishing an event
/// came down from about 5 µs to about 1. Entries of version 1 (one event each, as CLEF, from builds before any
/// release) are skipped with a notice like any other unknown format.
/// </summary>
internal static class FleetEntryFormat
{
    public const string Version = "v", Instance = "instance", Events = "events", Missed = "missed";
    public static readonly RedisValue CurrentVersion = 2;

    /// <summary>A batch closes at 2,048 events or once it holds 256 KiB (an event alone may bring it to about 512 KiB).</summary>
    public const int MaxBatchEvents = 2048, BatchBytes = 256 * 1024;

    /// <summary>The largest entry a reader takes: anything larger was not written by MemStream and is skipped with a notice.</summary>
    public const int MaxEntryBytes = 1024 * 1024;

    /// <summary>The longest instance id (as <see cref="MemStreamFleetOptions"/> allows).</summary>
    public const int MaxInstanceLength = 200;
}
