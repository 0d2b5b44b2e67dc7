using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>A WebSocket client that reads every frame and notes each event's latency.</summary>
internal sealed class TailReader
{
    readonly ClientWebSocket _socket = new();
    Task _reading = Task.CompletedTask;

    public List<double> LatenciesMs { get; } = new(200_000);
    public long Received;
    public long Dropped;

    public static async Task<TailReader> ConnectAsync(Uri uri)
    {
        var reader = new TailReader();
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
