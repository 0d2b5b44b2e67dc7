namespace Serilog.Sinks.MemStream.Store;

/// <summary>What an entry of a sink's families is, as maintenance and the <c>memstream</c> tool's <c>stats</c> count it (<see cref="StoredEntryClassifier"/>).</summary>
internal enum StoredEntryKind
{
    /// <summary>Events (a group in a log family, or a single event of format 1), at least one not expired.</summary>
    Live,

    /// <summary>Events that have all expired: RocksDB's TTL removes them at the next compaction.</summary>
    Expired,

    /// <summary>An index entry (an id's pointer to its group, a trace's references) whose events are not all expired.</summary>
    LiveIndex,

    /// <summary>An index entry whose events have all expired.</summary>
    ExpiredIndex,

    /// <summary>A key or value that does not read: maintenance deletes it.</summary>
    Damaged,
}
