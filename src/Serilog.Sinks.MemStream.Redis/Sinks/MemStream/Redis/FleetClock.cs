using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// The fleet's one clock: Redis's (<c>TIME</c>). Heartbeats are stamped and judged by it, so instances whose
/// own clocks disagree (pods on different nodes) still agree on which of them are live.
/// </summary>
internal static class FleetClock
{
    public static async Task<DateTimeOffset> NowAsync(IDatabaseAsync database)
    {
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)time[0] * 1000 + (long)time[1] / 1000);
    }
}
