namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// What one family of a store (its index and log) holds: live and expired events (awaiting compaction), damaged
/// entries, index entries (ids' pointers to groups, traces' references), and the entries themselves (a group holds
/// several events), with the oldest and newest live event's time.
/// </summary>
internal sealed record StoredFamilyCounts(string Name, int TtlSeconds)
{
    public long LiveEvents { get; set; }

    public long ExpiredEvents { get; set; }

    public long Damaged { get; set; }

    public long IndexEntries { get; set; }

    public long Entries { get; set; }

    public DateTimeOffset? Oldest { get; set; }

    public DateTimeOffset? Newest { get; set; }
}
