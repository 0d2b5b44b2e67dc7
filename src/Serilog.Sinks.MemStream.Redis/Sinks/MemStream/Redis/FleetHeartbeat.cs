using System.Globalization;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Says every <see cref="MemStreamFleetOptions.HeartbeatInterval"/> that this instance is alive: its score in
/// the fleet's sorted set of instances, and a hash of its details and counters that expires after three
/// missed heartbeats. An instance that stops cleanly leaves at once; one that is killed leaves when its
/// heartbeats are three intervals old, by Redis's clock (<see cref="FleetClock"/>). Failures wait for the next beat: the publisher reports Redis outages.
/// </summary>
internal sealed class FleetHeartbeat(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys, FleetCounters counters)
{
    readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    /// <summary>The details a heartbeat writes beside the instance's id and time: all that <c>/instances</c> reads of its hash.</summary>
    public static readonly RedisValue[] Details = ["machine", "processId", "started", "lastSequence", "storeState", "published", "notSent", "cutDown"];

    /// <summary>The longest detail <c>/instances</c> shows: longer ones were not written by MemStream.</summary>
    public const int MaxDetailBytes = 256;

    /// <summary>The most instances a fleet lists and waits for: more live ones were not all started by MemStream.</summary>
    public const int MaxInstances = 1000;

    /// <summary>How long an instance counts as live after its last heartbeat.</summary>
    public static TimeSpan Lifetime(MemStreamFleetOptions options) => options.HeartbeatInterval * 3;

    /// <summary>
    /// How far ahead of Redis's clock a heartbeat may be stamped and still count. MemStream stamps with that
    /// clock, so a score further ahead (a year, 1e20, +inf) was written by something else: it is ignored and
    /// removed, instead of keeping a ghost live forever (or, past what a date holds, breaking every reader).
    /// </summary>
    public static TimeSpan FutureTolerance(MemStreamFleetOptions options) => Lifetime(options) + TimeSpan.FromMinutes(1);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
            try
            {
                await BeatAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Unreachable: the next beat tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stopping));
    }

    async Task BeatAsync()
    {
        if (!redis.IsConnected)
            return;
        var now = await FleetClock.NowAsync(redis.GetDatabase());
        var instanceKey = keys.Instance(options.InstanceId!);
        var status = MemStream.Named(options.SinkName).Status();
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new[]
        {
            batch.SortedSetAddAsync(keys.Instances, options.InstanceId, now.ToUnixTimeMilliseconds()),
            batch.HashSetAsync(instanceKey,
            [
                new("instance", options.InstanceId),
                // The details, as Details names them:
                new("machine", Environment.MachineName),
                new("processId", Environment.ProcessId),
                new("started", _started.ToString("O", CultureInfo.InvariantCulture)),
                new("lastHeartbeat", now.ToString("O", CultureInfo.InvariantCulture)),
                new("lastSequence", status.LastSequence),
                new("storeState", status.StoreState.ToString()),
                new("published", counters.Published),
                new("notSent", counters.NotSent + counters.Dropped),
                new("cutDown", counters.CutDown),
            ]),
            batch.KeyExpireAsync(instanceKey, Lifetime(options)),
            batch.SortedSetRemoveRangeByScoreAsync(keys.Instances, double.NegativeInfinity, (now - Lifetime(options)).ToUnixTimeMilliseconds()),
            batch.SortedSetRemoveRangeByScoreAsync(keys.Instances, (now + FutureTolerance(options)).ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start),
        };
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>Leaves the fleet at once, so that queries stop waiting for this instance.</summary>
    public async Task LeaveAsync()
    {
        if (!redis.IsConnected)
            return;
        var database = redis.GetDatabase();
        await Task.WhenAll(
            database.SortedSetRemoveAsync(keys.Instances, options.InstanceId),
            database.KeyDeleteAsync(keys.Instance(options.InstanceId!)));
    }

    /// <summary>
    /// The instances whose last heartbeat is recent enough, with it: at most <see cref="MaxInstances"/>, the most
    /// recent first, and only ids an instance could have (the sorted set is anyone's to write).
    /// </summary>
    public static async Task<IReadOnlyList<(string Instance, DateTimeOffset LastHeartbeat)>> LiveAsync(IDatabase database, FleetKeys keys, MemStreamFleetOptions options)
    {
        var now = await FleetClock.NowAsync(database);
        var live = await database.SortedSetRangeByScoreWithScoresAsync(keys.Instances,
            (now - Lifetime(options)).ToUnixTimeMilliseconds(), (now + FutureTolerance(options)).ToUnixTimeMilliseconds(),
            order: Order.Descending, take: MaxInstances);
        return live.Where(entry => MemStreamFleetOptions.IsValidName(entry.Element.ToString()))
            .Select(entry => ((string)entry.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)entry.Score)))
            .OrderBy(entry => entry.Item1, StringComparer.Ordinal)
            .ToList();
    }
}
