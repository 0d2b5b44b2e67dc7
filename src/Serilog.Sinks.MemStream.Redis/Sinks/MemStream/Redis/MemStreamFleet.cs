namespace Serilog.Sinks.MemStream.Redis;

/// <summary>This instance's part in its app's fleet, from DI once <c>AddMemStreamFleet</c> is called.</summary>
public sealed class MemStreamFleet
{
    readonly RedisFleet _fleet;

    internal MemStreamFleet(RedisFleet fleet) => _fleet = fleet;

    /// <summary>The fleet's options, with the defaults filled in.</summary>
    public MemStreamFleetOptions Options => _fleet.Options;

    /// <summary>What the publisher has done so far.</summary>
    public MemStreamFleetStatus Status()
    {
        var counters = _fleet.Counters;
        return new MemStreamFleetStatus(_fleet.Options.App!, _fleet.Options.InstanceId!, _fleet.IsConnected,
            counters.Published, counters.NotSent + counters.Dropped, counters.LastError, counters.CutDown);
    }
}
