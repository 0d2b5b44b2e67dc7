using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// The fleet's names in Redis, all under <c>memstream:{App}:</c>. The braces make the app's name a hash
/// tag, so on Redis Cluster every key of one fleet lives on one node.
/// </summary>
internal sealed class FleetKeys(string app)
{
    readonly string _prefix = $"memstream:{{{app}}}:";

    /// <summary>The stream every instance publishes its events to.</summary>
    public RedisKey Events => _prefix + "events";

    /// <summary>A sorted set of instance ids scored by their last heartbeat (Unix milliseconds).</summary>
    public RedisKey Instances => _prefix + "instances";

    /// <summary>One instance's details and counters, a hash that expires when its heartbeats stop.</summary>
    public RedisKey Instance(string instanceId) => _prefix + "instance:" + instanceId;

    /// <summary>Where fleet queries are published.</summary>
    public RedisChannel Queries => RedisChannel.Literal(_prefix + "queries");

    /// <summary>Where the instances answer one query.</summary>
    public RedisChannel Reply(string requestId) => RedisChannel.Literal(_prefix + "reply:" + requestId);
}
