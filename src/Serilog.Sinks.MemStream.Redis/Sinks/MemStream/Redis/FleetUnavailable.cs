using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>The fleet endpoints' 503: Redis cannot be reached, said so that an operator knows where to look.</summary>
internal static class FleetUnavailable
{
    public static void ThrowIfDisconnected(IConnectionMultiplexer redis)
    {
        if (!redis.IsConnected)
            throw Because(redis, null);
    }

    public static FleetUnavailableException Because(IConnectionMultiplexer redis, Exception? failure) =>
        new($"MemStream: the fleet's Redis is unreachable ({string.Join(", ", redis.GetEndPoints().Select(e => e.ToString()))})" +
            (failure is null ? "" : $": {failure.Message}") + ". This instance's own tail and store still work (without fleet=true).", failure);
}
