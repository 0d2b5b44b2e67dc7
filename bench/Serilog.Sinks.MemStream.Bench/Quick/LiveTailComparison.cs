using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Comparison 4: real Kestrel on 127.0.0.1 with <c>MapMemStream()</c>, real WebSocket clients, the
/// app logging at a steady 20,000 events/s. Per client: events delivered per second and the
/// latency from the event's timestamp to its arrival; then the same with one more client that
/// never reads. Clients ask for <c>batch=true</c>, as the page and the memstream tool do; one row
/// shows 50 clients without it. Clients and server share the machine's cores, as they would on a
/// developer's box.
/// </summary>
internal static class LiveTailComparison
{
    const int EventsPerSecond = 20_000;

    public static async Task<string> Run(TimeSpan duration)
    {
        var table = new MarkdownTable($"Live tail over loopback Kestrel, app logging {EventsPerSecond:N0} events/s for {duration.TotalSeconds:0} s",
            "clients", "+ stalled client", "batch", "slowest client events/s", "× logged", "latency p50 ms", "latency p99 ms", "app logged events/s", "dropped for readers");
        await RunOnce(1, withStalledClient: false, batch: true, TimeSpan.FromSeconds(1)); // warms up Kestrel and the JIT, not counted
        var cases = new[] { 1, 10, 50 }.SelectMany(clients => new[] { (clients, false, true), (clients, true, true) }).Append((50, false, false));
        foreach (var (clients, stalled, batch) in cases)
        {
            var result = await RunOnce(clients, stalled, batch, duration);
            table.Add(clients, stalled ? "yes" : "no", batch ? "yes" : "no", result.SlowestRate, result.SlowestRate / result.LoggedRate,
                result.P50, result.P99, result.LoggedRate, result.DroppedForReaders);
        }
        return table.ToString();
    }

    static async Task<Result> RunOnce(int clientCount, bool withStalledClient, bool batch, TimeSpan duration)
    {
        var name = $"bench-tail-{Guid.NewGuid():N}";
        using var logger = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.MemStream(name: name, durable: false)
            .CreateLogger();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapMemStream(configure: o =>
        {
            o.SinkName = name;
            o.MaxClients = 64;
        });
        await app.StartAsync();
        var uri = new Uri(app.Urls.First().Replace("http://", "ws://") + "/memstream/ws?after=0" + (batch ? "&batch=true" : ""));

        using var stalled = withStalledClient ? new ClientWebSocket() : null;
        if (stalled is not null)
        {
            stalled.Options.SetBuffer(4096, 4096);
            await stalled.ConnectAsync(uri, CancellationToken.None);
        }

        var readers = new List<TailReader>();
        for (var i = 0; i < clientCount; i++)
            readers.Add(await TailReader.ConnectAsync(uri));
        var loggers = Workload.ContextualLoggers(logger);

        var logged = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            var due = (int)(watch.Elapsed.TotalSeconds * EventsPerSecond);
            while (logged < due)
                Workload.Log(loggers, logged++);
            Thread.Sleep(1);
        }
        var loggedRate = logged / watch.Elapsed.TotalSeconds;

        var deadline = Stopwatch.StartNew();
        while (readers.Any(r => r.Received + r.Dropped < logged) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        foreach (var reader in readers)
            await reader.StopAsync();
        await app.StopAsync();

        var latencies = readers.SelectMany(r => r.LatenciesMs).ToList();
        return new Result(
            readers.Min(r => r.Received) / duration.TotalSeconds,
            loggedRate,
            Stats.Median(latencies),
            Stats.Percentile(latencies, 0.99),
            readers.Sum(r => r.Dropped));
    }

    readonly record struct Result(double SlowestRate, double LoggedRate, double P50, double P99, long DroppedForReaders);
}
