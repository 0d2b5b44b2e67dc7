using Microsoft.Extensions.DependencyInjection;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Redis;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>A real redis-server and a fleet name of one test's own; app instances (real Kestrel hosts) join it.</summary>
sealed class TestFleet : IDisposable
{
    TestFleet(RedisServer redis)
    {
        Redis = redis;
        App = "fleet-" + Some.UniqueName();
    }

    public RedisServer Redis { get; }

    public string App { get; }

    /// <summary>The Redis key of the fleet's stream (braces included: the app's name is a hash tag).</summary>
    public string EventsKey => $"memstream:{{{App}}}:events";

    public static TestFleet Start(bool appendOnly = false) => new(RedisServer.Start(appendOnly));

    /// <summary>The fleet's stream's entries now, read as the fleet reads them.</summary>
    public async Task<List<FleetStreamEntry>> StreamEntriesAsync()
    {
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        return (await redis.GetDatabase().StreamRangeAsync(EventsKey)).Select(FleetEntryReader.Read).ToList();
    }

    /// <summary>The events of the fleet's stream, once it holds at least <paramref name="count"/> (fails after 15 s), each entry checked to read whole.</summary>
    public async Task<List<MemStreamEvent>> WaitForStreamEventsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var entries = await StreamEntriesAsync();
            Assert.That(entries.Select(e => e.Rejected), Has.All.Null, "every entry MemStream wrote reads");
            var events = entries.SelectMany(e => e.Events).ToList();
            if (events.Count >= count)
                return events;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"the stream never held {count} events (it holds {events.Count})");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// An instance with its own sink (durable unless told) that joins the fleet (through its Redis, or with another
    /// configuration of it, such as another user), beating every 200 ms, once its
    /// fleet has connected (an app starts without waiting for Redis; the tests start from a connected fleet).
    /// </summary>
    public async Task<TailServer> StartInstanceAsync(string instanceId, Action<MemStreamFleetOptions>? configure = null, bool durable = true,
        Action<MemStreamEndpointOptions>? endpoints = null, string? redisConfiguration = null)
    {
        var server = await TailServer.StartAsync(endpoints, durable: durable, services: (services, sinkName) => services.AddMemStreamFleet(redisConfiguration ?? Redis.Configuration, o =>
        {
            o.App = App;
            o.InstanceId = instanceId;
            o.SinkName = sinkName;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }));
        var fleet = server.Services.GetRequiredService<MemStreamFleet>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!fleet.Status().IsConnected)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"instance {instanceId} never connected to Redis");
            await Task.Delay(10);
        }
        return server;
    }

    public void Dispose() => Redis.Dispose();
}
