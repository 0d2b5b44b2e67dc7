using System.Text.Json;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What <c>MapMemStream()</c> serves for a fleet of instances when one is registered in DI
/// (<c>AddMemStreamFleet</c> in Serilog.Sinks.MemStream.Redis): the live instances and fleet-wide
/// queries. Each call throws <see cref="FleetUnavailableException"/> when the fleet's engine cannot be reached.
/// </summary>
internal interface IMemStreamFleet
{
    /// <summary>The sink name whose events the fleet publishes (null: the default sink).</summary>
    string? SinkName { get; }

    /// <summary>Writes <c>{"app", "instances": [...]}</c>: every instance with a live heartbeat and its counters.</summary>
    Task WriteInstancesAsync(Utf8JsonWriter json, CancellationToken cancellationToken);

    /// <summary>Asks every live instance for its stored events of one id, waiting at most the fleet's query timeout.</summary>
    Task<FleetQueryAnswer> QueryAsync(FleetQuery query, CancellationToken cancellationToken);
}
