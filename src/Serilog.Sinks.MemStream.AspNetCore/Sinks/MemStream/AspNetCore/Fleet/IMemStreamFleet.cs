using System.Text.Json;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What <c>MapMemStream()</c> serves for a fleet of instances when one is registered in DI: the live instances,
/// fleet-wide queries and the fleet's tail, under the same routes as the instance's own. The extension point a
/// fleet's engine implements: Serilog.Sinks.MemStream.Redis registers one with <c>AddMemStreamFleet</c>. Each
/// call throws <see cref="FleetUnavailableException"/> when the engine cannot be reached (the endpoints answer 503).
/// </summary>
public interface IMemStreamFleet
{
    /// <summary>The 404's message on a fleet endpoint of an app that has no fleet.</summary>
    internal const string NoFleet = "MemStream: this app has no fleet. Add one with builder.Services.AddMemStreamFleet(\"<redis>\") from Serilog.Sinks.MemStream.Redis.";

    /// <summary>Why the fleet cannot be reached now (its Redis is down), or null when it can.</summary>
    string? Unavailable { get; }

    /// <summary>Writes <c>{"app", "instances": [...]}</c>: every instance with a live heartbeat and its counters.</summary>
    Task WriteInstancesAsync(Utf8JsonWriter json, CancellationToken cancellationToken);

    /// <summary>Asks every live instance for its stored events of one id, waiting at most the fleet's query timeout.</summary>
    Task<FleetQueryAnswer> QueryAsync(FleetQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one client's tail of the fleet's stream: its newest events, or those after <paramref name="afterId"/>,
    /// then every new one, into a subscription of <paramref name="capacity"/> events (a slow client loses its
    /// oldest, counted). Disposing the subscription stops the reading.
    /// </summary>
    Task<FleetTail> OpenTailAsync(FleetStreamPosition? afterId, LogEventLevel minLevel, int capacity, CancellationToken cancellationToken);
}
