namespace Serilog.Sinks.MemStream.Store;

/// <summary>What an entry of a sink's family is, as maintenance and the <c>memstream</c> tool's <c>stats</c> count it (<see cref="StoredEntryClassifier"/>).</summary>
internal enum StoredEntryKind
{
    /// <summary>Events (a group, or a single event of format 1), at least one not expired.</summary>
    Live,

    /// <summary>Events that have all expired: RocksDB's TTL removes them at the next compaction.</summary>
    Expired,

    /// <summary>A trace's references to the groups that hold its events, not expired.</summary>
    LiveReferences,

    /// <summary>A trace's references whose events have all expired.</summary>
    ExpiredReferences,

    /// <summary>A key or value that does not read: maintenance deletes it.</summary>
    Damaged,
}
