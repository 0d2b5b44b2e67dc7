using System.Globalization;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Column families are named by their TTL, their <see cref="KeyEpoch"/> from the second on, and by the sink
/// that owns them when it has a name (<c>ttl-86400s</c>, <c>ttl-604800s@audit</c>, <c>ttl-86400s-e1@audit</c>).
/// RocksDB does not store TTLs, so the name is how a reopen knows the TTL of every family on disk,
/// including those of an earlier configuration. Each sink has its own families (and sequence), so sinks
/// sharing a database never share keys.
/// </summary>
internal static class FamilyName
{
    const string Prefix = "ttl-";
    const string EpochMark = "-e";

    public static string For(StoreFamily family, string? sinkName) =>
        $"{Prefix}{family.TtlSeconds}s{(family.Epoch == 0 ? "" : EpochMark + family.Epoch.ToString(CultureInfo.InvariantCulture))}{(sinkName is null ? "" : "@" + sinkName)}";

    public static bool TryParse(string name, out StoreFamily family, out string? sinkName)
    {
        family = default;
        sinkName = null;
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
            var length = digits.IndexOf('@') is var at and >= 0 ? at : digits.Length;
            if (!int.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out epoch) || epoch == 0)
                return false;
            rest = digits[length..];
        }
        family = new StoreFamily(ttlSeconds, epoch);
        if (rest.IsEmpty)
            return true;
        if (rest[0] != '@')
            return false;
        sinkName = rest[1..].ToString();
        return true;
    }

    public static bool BelongsTo(string name, string? sinkName) =>
        TryParse(name, out _, out var owner) && owner == sinkName;
}
