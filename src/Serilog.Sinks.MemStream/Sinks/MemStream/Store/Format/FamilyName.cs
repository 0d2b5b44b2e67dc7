using System.Globalization;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Column families are named by their TTL, their <see cref="KeyEpoch"/> from the second on, and by the sink
/// that owns them when it has a name (<c>ttl-86400s</c>, <c>ttl-604800s@audit</c>, <c>ttl-86400s-e1@audit</c>).
/// Each has a log family beside it, named the same with <c>-log</c> before the sink
/// (<c>ttl-86400s-log</c>, <c>ttl-86400s-e1-log@audit</c>), that holds the groups its index entries point to.
/// RocksDB does not store TTLs, so the name is how a reopen knows the TTL of every family on disk,
/// including those of an earlier configuration. Each sink has its own families (and sequence), so sinks
/// sharing a database never share keys.
/// </summary>
internal static class FamilyName
{
    const string Prefix = "ttl-";
    const string EpochMark = "-e";
    const string LogMark = "-log";

    /// <summary>The name of the index family of this TTL, epoch and sink.</summary>
    public static string For(StoreFamily family, string? sinkName) => Name(family, sinkName, "");

    /// <summary>The name of the log family beside it.</summary>
    public static string ForLog(StoreFamily family, string? sinkName) => Name(family, sinkName, LogMark);

    static string Name(StoreFamily family, string? sinkName, string role) =>
        $"{Prefix}{family.TtlSeconds}s{(family.Epoch == 0 ? "" : EpochMark + family.Epoch.ToString(CultureInfo.InvariantCulture))}{role}{(sinkName is null ? "" : "@" + sinkName)}";

    /// <summary>Parses an index family's name; false for a log family's or any other name.</summary>
    public static bool TryParse(string name, out StoreFamily family, out string? sinkName) =>
        TryParse(name, out family, out sinkName, out var isLog) && !isLog;

    /// <summary>Parses an index or log family's name.</summary>
    public static bool TryParse(string name, out StoreFamily family, out string? sinkName, out bool isLog)
    {
        family = default;
        sinkName = null;
        isLog = false;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            return false;

        var end = name.IndexOf('s', Prefix.Length);
        if (end < 0 || !int.TryParse(name.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ttlSeconds))
            return false;
        var rest = name.AsSpan(end + 1);
        var epoch = 0;
        if (rest.StartsWith(EpochMark, StringComparison.Ordinal))
        {
            var digits = rest[EpochMark.Length..];
            var length = digits.IndexOfAnyExceptInRange('0', '9') is var at and >= 0 ? at : digits.Length;
            if (!int.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out epoch) || epoch == 0)
                return false;
            rest = digits[length..];
        }
        if (rest.StartsWith(LogMark, StringComparison.Ordinal))
        {
            isLog = true;
            rest = rest[LogMark.Length..];
        }
        family = new StoreFamily(ttlSeconds, epoch);
        if (rest.IsEmpty)
            return true;
        if (rest[0] != '@')
            return false;
        sinkName = rest[1..].ToString();
        return true;
    }

    /// <summary>True for the sink's index and log families.</summary>
    public static bool BelongsTo(string name, string? sinkName) =>
        TryParse(name, out _, out var owner, out _) && owner == sinkName;
}
