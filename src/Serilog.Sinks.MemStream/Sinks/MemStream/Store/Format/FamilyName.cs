using System.Globalization;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Column families are named by their TTL, and by the sink that owns them when it has a name
/// (<c>ttl-86400s</c>, <c>ttl-604800s@audit</c>). RocksDB does not store TTLs, so the name is how a
/// reopen knows the TTL of every family on disk, including those of an earlier configuration.
/// Each sink has its own families (and sequence), so sinks sharing a database never share keys.
/// </summary>
internal static class FamilyName
{
    const string Prefix = "ttl-";

    public static string For(int ttlSeconds, string? sinkName) =>
        sinkName is null ? $"{Prefix}{ttlSeconds}s" : $"{Prefix}{ttlSeconds}s@{sinkName}";

    public static bool TryParse(string name, out int ttlSeconds, out string? sinkName)
    {
        ttlSeconds = 0;
        sinkName = null;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            return false;

        var end = name.IndexOf('s', Prefix.Length);
        if (end < 0 || !int.TryParse(name.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out ttlSeconds))
            return false;

        if (end == name.Length - 1)
            return true;
        if (name[end + 1] != '@')
            return false;
        sinkName = name[(end + 2)..];
        return true;
    }

    public static bool BelongsTo(string name, string? sinkName) =>
        TryParse(name, out _, out var owner) && owner == sinkName;
}
