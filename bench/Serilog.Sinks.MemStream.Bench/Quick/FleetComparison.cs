using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// The fleet: three app instances (real Kestrel hosts on 127.0.0.1 in this process, each its own sink and
/// <c>AddMemStreamFleet</c>) publishing through one real redis-server, each logging a steady 10,000
/// events/s; fleet-tail clients on one instance (<c>/ws?fleet=true&amp;batch=true</c>) measure events/s and
/// the latency from each event's timestamp to its arrival. Then what the publisher costs the logging
/// thread: a burst of 200,000 events on a sink with and without the fleet, until delivered.
/// </summary>
internal static class FleetComparison
{
    const int Instances = 3;
    const int EventsPerSecondEach = 10_000;
    const int Burst = 200_000;

    public static async Task<string> Run(TimeSpan duration)
    {
        if (!System.IO.File.Exists(RedisProcess.Executable))
            return "### Fleet\n\nSkipped: Debian's `redis-server` is not installed (`apt-get install -y redis-server`; `test/run` installs it).\n";
        using var redis = RedisProcess.Start();
        var tail = new MarkdownTable($"Fleet tail: {Instances} instances × {EventsPerSecondEach:N0} events/s for {duration.TotalSeconds:0} s through one Redis",
            "fleet clients", "slowest client events/s", "× logged", "latency p50 ms", "latency p99 ms", "of which publishing p50 / p99 ms", "logged events/s", "published", "not sent", "dropped for readers");
        // Warms up Kestrel, StackExchange.Redis and the JIT, not counted. A whole round: with both cores busy the JIT's
        // background compiler falls behind, and a first round after a 1-second warm-up measured 0.9–3 s of latency
        // where the same round run third measured 57 ms.
        await TailOnce(redis, 10, duration);
        foreach (var clients in new[] { 1, 10 })
        {
            var r = await TailOnce(redis, clients, duration);
            tail.Add(clients, r.SlowestRate, r.SlowestRate / r.LoggedRate, r.P50, r.P99, $"{r.PublishP50:0} / {r.PublishP99:0}", r.LoggedRate, r.Published, r.NotSent, r.DroppedForReaders);
        }

        var burst = new MarkdownTable($"Logging with the fleet's publisher: a burst of {Burst:N0} events on one thread until delivered (3 alternating rounds, medians; CPU until every event is published)",
            "set-up", "events/s", "× without the fleet", "app CPU µs/event", "publishing: app CPU µs per published event", "redis-server CPU µs/event", "published", "not sent (queue full)");
        var runs = new Dictionary<bool, List<BurstResult>> { [false] = [], [true] = [] };
        await BurstOnce(redis, withFleet: true); // warm-up, not counted
        for (var round = 0; round < 3; round++)
        {
            foreach (var withFleet in new[] { false, true })
                runs[withFleet].Add(await BurstOnce(redis, withFleet));
        }
        var without = Stats.Median(runs[false].Select(r => r.Rate).ToList());
        var cpuWithout = Stats.Median(runs[false].Select(r => r.AppCpuMicroseconds).ToList());
        foreach (var withFleet in new[] { false, true })
        {
            var rate = Stats.Median(runs[withFleet].Select(r => r.Rate).ToList());
            var cpu = Stats.Median(runs[withFleet].Select(r => r.AppCpuMicroseconds).ToList());
            var published = Stats.Median(runs[withFleet].Select(r => (double)r.Published).ToList());
            burst.Add(withFleet ? "MemStream buffer + fleet publisher" : "MemStream buffer, no fleet", rate, rate / without, cpu,
                withFleet ? $"{(cpu - cpuWithout) * Burst / published:0.00}" : "", Stats.Median(runs[withFleet].Select(r => r.RedisCpuMicroseconds).ToList()),
                withFleet ? $"{published:N0}" : "", withFleet ? $"{Stats.Median(runs[withFleet].Select(r => (double)r.NotSent).ToList()):N0}" : "");
        }
        return tail + Environment.NewLine + burst;
    }

    sealed record TailResult(double SlowestRate, double LoggedRate, double P50, double P99, double PublishP50, double PublishP99, long Published, long NotSent, long DroppedForReaders);

    static async Task<TailResult> TailOnce(RedisProcess redis, int clientCount, TimeSpan duration)
    {
        var app = "bench-fleet-" + Guid.NewGuid().ToString("N");
        var instances = new List<Instance>();
        for (var i = 0; i < Instances; i++)
            instances.Add(await Instance.StartAsync(redis, app, $"i{i}"));
        try
        {
            var uri = new Uri(instances[0].Url.Replace("http://", "ws://") + "/memstream/ws?fleet=true&batch=true");
            var readers = new List<TailReader>();
            for (var i = 0; i < clientCount; i++)
                readers.Add(await TailReader.ConnectAsync(uri));
            await Task.Delay(300); // the readers' first (empty) replay

            // Threads of their own: three pool threads held in Thread.Sleep starved the pool of two cores, and the
            // first round measured the pool's slow growth (seconds of latency) rather than the fleet.
            var logging = instances.Select(instance => Task.Factory.StartNew(() => instance.LogSteadily(EventsPerSecondEach, duration), TaskCreationOptions.LongRunning)).ToArray();
            var logged = (await Task.WhenAll(logging)).Sum();
            var deadline = Stopwatch.StartNew();
            while (readers.Any(r => r.Received + r.Dropped < logged) && deadline.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(50);
            foreach (var reader in readers)
                await reader.StopAsync();

            var latencies = readers.SelectMany(r => r.LatenciesMs).ToList();
            var publishing = await PublishLatenciesAsync(redis, app);
            var statuses = instances.Select(i => i.Fleet.Status()).ToList();
            return new TailResult(readers.Min(r => r.Received) / duration.TotalSeconds, logged / duration.TotalSeconds,
                Stats.Median(latencies), Stats.Percentile(latencies, 0.99), Stats.Median(publishing), Stats.Percentile(publishing, 0.99),
                statuses.Sum(s => s.Published), statuses.Sum(s => s.NotSent), readers.Sum(r => r.Dropped));
        }
        finally
        {
            foreach (var instance in instances)
                await instance.DisposeAsync();
        }
    }

    /// <summary>How long each event took from its timestamp to the stream: Redis stamps an entry's id with its arrival in milliseconds.</summary>
    static async Task<List<double>> PublishLatenciesAsync(RedisProcess redis, string app)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var entries = await connection.GetDatabase().StreamRangeAsync($"memstream:{{{app}}}:events");
        // Each event of an entry waited from its own timestamp until its batch arrived.
        return entries.SelectMany(entry =>
        {
            var arrived = long.Parse(entry.Id.ToString().Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            return Serilog.Sinks.MemStream.Redis.FleetEntryReader.Read(entry).Events.Select(e => (double)(arrived - e.LogEvent.Timestamp.ToUnixTimeMilliseconds()));
        }).ToList();
    }

    sealed record BurstResult(double Rate, double AppCpuMicroseconds, double RedisCpuMicroseconds, long Published, long NotSent);

    /// <summary>
    /// The logging rate until the sink has every event, and the CPU the process (logging, sink, publisher) and
    /// redis-server used per event until the publisher has sent them all: what the fleet costs beside the rate.
    /// </summary>
    static async Task<BurstResult> BurstOnce(RedisProcess redis, bool withFleet)
    {
        await using var instance = await Instance.StartAsync(redis, "bench-burst-" + Guid.NewGuid().ToString("N"), "burst", withFleet, queueLimit: Burst);
        var loggers = Workload.ContextualLoggers(instance.Logger);
        GC.Collect();
        var appCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var redisCpu = redis.ProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Burst; i++)
            Workload.Log(loggers, i);
        MemStream.Named(instance.SinkName).Flush();
        var rate = Burst / watch.Elapsed.TotalSeconds;
        while (withFleet && instance.Fleet.Status() is var status && status.Published + status.NotSent < Burst && watch.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(5);
        var done = withFleet ? instance.Fleet.Status() : null;
        return new BurstResult(rate, (Process.GetCurrentProcess().TotalProcessorTime - appCpu).TotalMicroseconds / Burst,
            (redis.ProcessorTime - redisCpu).TotalMicroseconds / Burst, done?.Published ?? 0, done?.NotSent ?? 0);
    }

    /// <summary>One app instance: a sink of its own, Kestrel on a free loopback port, the fleet (unless left out) and the endpoints.</summary>
    sealed class Instance : IAsyncDisposable
    {
        WebApplication _app = null!;

        public Logger Logger { get; private init; } = null!;

        public string SinkName { get; private init; } = "";

        public string Url => _app.Urls.First();

        public Serilog.Sinks.MemStream.Redis.MemStreamFleet Fleet => _app.Services.GetRequiredService<Serilog.Sinks.MemStream.Redis.MemStreamFleet>();

        public static async Task<Instance> StartAsync(RedisProcess redis, string app, string id, bool withFleet = true, int queueLimit = 65_536)
        {
            var sinkName = $"{app}-{id}";
            var logger = new LoggerConfiguration().MinimumLevel.Information()
                .WriteTo.MemStream(name: sinkName, durable: false, queueLimit: queueLimit)
                .CreateLogger();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            if (withFleet)
                builder.Services.AddMemStreamFleet(redis.Configuration, o =>
                {
                    o.App = app;
                    o.InstanceId = id;
                    o.SinkName = sinkName;
                });
            var web = builder.Build();
            web.UseWebSockets();
            web.MapMemStream(configure: o =>
            {
                o.SinkName = sinkName;
                o.MaxClients = 64;
            });
            await web.StartAsync();
            var instance = new Instance { _app = web, Logger = logger, SinkName = sinkName };
            // The fleet connects in the background (an app starts without waiting for Redis): measure once it has.
            var deadline = Stopwatch.StartNew();
            while (withFleet && !instance.Fleet.Status().IsConnected)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                    throw new InvalidOperationException($"The fleet of {sinkName} never connected to Redis at {redis.Configuration}.");
                await Task.Delay(10);
            }
            return instance;
        }

        /// <summary>Logs at a steady rate for the duration; the number logged.</summary>
        public int LogSteadily(int eventsPerSecond, TimeSpan duration)
        {
            var loggers = Workload.ContextualLoggers(Logger);
            var logged = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < duration)
            {
                var due = (int)(watch.Elapsed.TotalSeconds * eventsPerSecond);
                while (logged < due)
                    Workload.Log(loggers, logged++);
                Thread.Sleep(1);
            }
            return logged;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Logger.Dispose();
        }
    }
}
