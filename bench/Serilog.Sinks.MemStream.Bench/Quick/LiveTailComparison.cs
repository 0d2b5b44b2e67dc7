using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
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

        var readers = new List<Reader>();
        for (var i = 0; i < clientCount; i++)
            readers.Add(await Reader.ConnectAsync(uri));
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

    /// <summary>A WebSocket client that reads every frame and notes each event's latency.</summary>
    sealed class Reader
    {
        readonly ClientWebSocket _socket = new();
        Task _reading = Task.CompletedTask;

        public List<double> LatenciesMs { get; } = new(200_000);
        public long Received;
        public long Dropped;

        public static async Task<Reader> ConnectAsync(Uri uri)
        {
            var reader = new Reader();
            await reader._socket.ConnectAsync(uri, CancellationToken.None);
            reader._reading = Task.Run(reader.ReadAsync);
            return reader;
        }

        public async Task StopAsync()
        {
            _socket.Abort();
            try { await _reading; } catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException) { } // aborted on purpose
        }

        async Task ReadAsync()
        {
            var buffer = new byte[128 * 1024];
            while (_socket.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                        Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                    return;
                Note(buffer.AsSpan(0, count));
            }
        }

        /// <summary>
        /// Notes every event in a message (one event frame or a batch) with its latency, and <c>dropped</c>
        /// notices. It finds the fields by their bytes rather than parsing the whole message, so that the
        /// 50 clients, which share the machine's two cores with the server, cost it as little as they can.
        /// </summary>
        void Note(ReadOnlySpan<byte> message)
        {
            var arrived = DateTimeOffset.UtcNow;
            if (message.StartsWith("{\"type\":\"dropped\",\"count\":"u8))
            {
                var count = message["{\"type\":\"dropped\",\"count\":"u8.Length..];
                Utf8Parser.TryParse(count, out long dropped, out _);
                Interlocked.Add(ref Dropped, dropped);
                return;
            }

            var rest = message;
            while (rest.IndexOf("\"timestamp\":"u8) is var at and >= 0)
            {
                rest = rest[(at + "\"timestamp\":"u8.Length)..];
                var end = rest[1..].IndexOf((byte)'"') + 2;
                var json = new Utf8JsonReader(rest[..end]);
                json.Read();
                LatenciesMs.Add((arrived - json.GetDateTimeOffset()).TotalMilliseconds);
                Interlocked.Increment(ref Received);
                rest = rest[end..];
            }
        }
    }
}
