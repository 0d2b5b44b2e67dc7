using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// How long each level is kept: an event gets the retention of the highest configured level at or
/// below its own, and <c>retention</c> below every configured level. TTLs are whole seconds, as
/// RocksDB counts them.
/// </summary>
internal sealed class RetentionPolicy
{
    readonly int[] _ttlSecondsByLevel = new int[(int)LogEventLevel.Fatal + 1];

    public RetentionPolicy(TimeSpan retention, IReadOnlyDictionary<LogEventLevel, TimeSpan>? retentionByLevel)
    {
        var current = ToSeconds(retention);
        for (var level = LogEventLevel.Verbose; level <= LogEventLevel.Fatal; level++)
        {
            if (retentionByLevel is not null && retentionByLevel.TryGetValue(level, out var configured))
                current = ToSeconds(configured);
            _ttlSecondsByLevel[(int)level] = current;
        }
    }

    public int TtlSeconds(LogEventLevel level) => _ttlSecondsByLevel[(int)level];

    public IReadOnlyCollection<int> DistinctTtlSeconds => _ttlSecondsByLevel.Distinct().ToArray();

    static int ToSeconds(TimeSpan retention) => (int)Math.Clamp(Math.Ceiling(retention.TotalSeconds), 1, int.MaxValue);
}
